// Command helm-render renders a Helm chart with the subset of Helm's
// template engine that the RouteIQ chart uses, so tests can check the
// chart on machines without helm. It is not Helm: see engine.go for
// what it implements.
//
//	helm-render -chart DIR [-set-json '{"a":{"b":1}}']... [-kube-version v1.31.0]
//
// Output on stdout, one JSON object:
//
//	{"manifests":[{"source":"chart/templates/x.yaml","content":"..."}],
//	 "notes":"..."}
//
// A failing template (fail, required, a parse error) exits 1 with the
// message on stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

type jsonFlags []string

func (f *jsonFlags) String() string     { return fmt.Sprint(*f) }
func (f *jsonFlags) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	chartDir := flag.String("chart", "", "chart directory")
	release := flag.String("release", "routeiq", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.31.0", "cluster version")
	var overrides jsonFlags
	flag.Var(&overrides, "set-json", "JSON object merged over values.yaml")
	flag.Parse()

	if *chartDir == "" {
		fail(fmt.Errorf("-chart is required"))
	}

	chart, err := loadChart(*chartDir, overrides)
	if err != nil {
		fail(err)
	}

	out, err := render(chart, releaseInfo{*release, *namespace}, *kubeVersion)
	if err != nil {
		fail(err)
	}

	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "helm-render:", err)
	os.Exit(1)
}
