package main

// The template engine: Go's text/template with sprig, plus the functions
// Helm adds that the chart uses (include, tpl, toYaml, required,
// lookup), Helm's missing-key behaviour and the top-level objects
// .Values, .Release, .Chart, .Capabilities.KubeVersion and .Template.
// Like `helm template`, lookup finds nothing (there is no cluster).

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type releaseInfo struct {
	name      string
	namespace string
}

type manifest struct {
	Source  string `json:"source"`
	Content string `json:"content"`
}

type output struct {
	Manifests []manifest `json:"manifests"`
	Notes     string     `json:"notes"`
}

func render(c *chart, rel releaseInfo, kubeVersion string) (*output, error) {
	root := template.New("chart").Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, name := range c.order {
		if _, err := root.New(name).Parse(c.templates[name]); err != nil {
			return nil, err
		}
	}

	out := &output{Manifests: []manifest{}}
	for _, name := range c.order {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		text, err := execute(root, name, topLevel(c, rel, kubeVersion, name))
		if err != nil {
			return nil, err
		}
		if base == "NOTES.txt" {
			out.Notes = text
			continue
		}
		if strings.TrimSpace(text) != "" {
			out.Manifests = append(out.Manifests, manifest{name, text})
		}
	}
	return out, nil
}

func topLevel(c *chart, rel releaseInfo, kube, name string) map[string]interface{} {
	major, minor := splitVersion(kube)
	return map[string]interface{}{
		"Values": c.values,
		"Chart":  c.chartObject(),
		"Release": map[string]interface{}{
			"Name": rel.name, "Namespace": rel.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{
				"Version": kube, "GitVersion": kube,
				"Major": major, "Minor": minor,
			},
		},
		"Template": map[string]interface{}{
			"Name": name, "BasePath": c.name + "/templates",
		},
	}
}

// execute runs one named template; like Helm, a missing value prints as
// nothing rather than "<no value>".
func execute(t *template.Template, name string, data interface{}) (string, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	// Helm removes these so a render cannot read the renderer's env.
	delete(f, "env")
	delete(f, "expandenv")

	f["include"] = func(name string, data interface{}) (string, error) {
		return execute(root, name, data)
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		if _, err := t.New("tpl").Parse(text); err != nil {
			return "", err
		}
		return execute(t, "tpl", data)
	}
	f["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if s, ok := v.(string); v == nil || (ok && s == "") {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	f["lookup"] = func(string, string, string, string) map[string]interface{} {
		return map[string]interface{}{}
	}
	return f
}

func splitVersion(v string) (string, string) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return "", ""
	}
	return parts[0], parts[1]
}
