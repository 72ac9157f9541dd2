package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// chart is a chart directory read into memory: metadata, coalesced
// values and every file under templates/ by its Helm template name.
type chart struct {
	name      string
	metadata  map[string]interface{}
	values    map[string]interface{}
	templates map[string]string
	order     []string
}

func loadChart(dir string, overrides []string) (*chart, error) {
	meta, err := readYAML(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	name, _ := meta["name"].(string)
	if name == "" {
		return nil, fmt.Errorf("Chart.yaml: name is missing")
	}

	values, err := readYAML(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for i, raw := range overrides {
		var o map[string]interface{}
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return nil, fmt.Errorf("-set-json #%d: %w", i+1, err)
		}
		values = mergeValues(values, o)
	}

	c := &chart{name: name, metadata: meta, values: values}
	return c, c.readTemplates(filepath.Join(dir, "templates"))
}

func (c *chart) readTemplates(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	c.templates = map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		key := c.name + "/templates/" + e.Name()
		c.templates[key] = string(body)
		c.order = append(c.order, key)
	}
	sort.Strings(c.order)
	return nil
}

// chartObject is .Chart: Helm exposes Chart.yaml's keys capitalised
// (name -> Name, appVersion -> AppVersion, apiVersion -> APIVersion).
func (c *chart) chartObject() map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range c.metadata {
		if k == "apiVersion" {
			out["APIVersion"] = v
			continue
		}
		out[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return out
}

func readYAML(path string) (map[string]interface{}, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// mergeValues lays src over dst as Helm coalesces user values: maps
// merge key by key, anything else replaces, and null deletes the key.
func mergeValues(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, srcIsMap := v.(map[string]interface{})
		dm, dstIsMap := dst[k].(map[string]interface{})
		if srcIsMap && dstIsMap {
			dst[k] = mergeValues(dm, sm)
			continue
		}
		dst[k] = v
	}
	return dst
}
