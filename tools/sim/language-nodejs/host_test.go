package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The arguments upstream's constructArguments builds (pulumi/pulumi v3.259.0
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go), in its order.
func TestRunArguments(t *testing.T) {
	h := newHost("127.0.0.1:1111", "")
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:2222", Project: "spark-s3", Stack: "local", Organization: "organization",
		DryRun: true, Parallel: 16, Args: []string{"x"},
		Info: &pulumirpc.ProgramInfo{RootDirectory: "/p", ProgramDirectory: "/p", EntryPoint: "."},
	}
	want := []string{"/run", "--monitor", "127.0.0.1:2222", "--engine", "127.0.0.1:1111", "--organization", "organization",
		"--project", "spark-s3", "--root-directory", "/p", "--stack", "local", "--pwd", "/p", "--dry-run",
		"--parallel", "16", ".", "x"}
	if got := h.runArguments(req, "/run"); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestConfigJSONUsesTheOldKeyForm(t *testing.T) {
	s, err := configJSON(map[string]string{"spark-s3:objectStore": "minio", "kubernetes:enableSecretMutable": "true"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"spark-s3:config:objectStore": "minio", "kubernetes:config:enableSecretMutable": "true"}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("%v", m)
	}
	if _, err := configJSON(map[string]string{"no-namespace": "x"}); err == nil {
		t.Fatal("a key without namespace accepted")
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions(map[string]any{"nodeargs": "--max-old-space-size=4096 --trace-warnings", "tsconfig": "t.json"})
	if err != nil || !o.typescript || !reflect.DeepEqual(o.nodeArgs, []string{"--max-old-space-size=4096", "--trace-warnings"}) {
		t.Fatalf("%+v %v", o, err)
	}
	if env := o.env(); !reflect.DeepEqual(env, []string{"PULUMI_NODEJS_TYPESCRIPT=true", "PULUMI_NODEJS_TSCONFIG_PATH=t.json"}) {
		t.Fatalf("%v", env)
	}
	if _, err := parseOptions(map[string]any{"typescript": "yes"}); err == nil {
		t.Fatal("a string typescript option accepted")
	}
}

func write(t *testing.T, file, content string) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Resource packages are found in node_modules, deeply; a nested policy pack's are not the program's.
func TestPackagesIn(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "package.json"), `{"name":"prog","pulumi":{"resource":true}}`)
	write(t, filepath.Join(dir, "node_modules", "@pulumi", "kubernetes", "package.json"),
		`{"name":"@pulumi/kubernetes","version":"4.34.2","pulumi":{"resource":true,"name":"kubernetes","version":"4.34.2"}}`)
	write(t, filepath.Join(dir, "node_modules", "@pulumi", "random", "package.json"), `{"name":"@pulumi/random","version":"4.21.2","pulumi":{"resource":true}}`)
	write(t, filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi","version":"3.248.0"}`)
	write(t, filepath.Join(dir, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n")
	write(t, filepath.Join(dir, "policy", "node_modules", "@pulumi", "aws", "package.json"), `{"name":"@pulumi/aws","version":"7.0.0","pulumi":{"resource":true}}`)
	pkgs, err := packagesIn(dir, false, map[string]bool{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range pkgs {
		got[p.Name] = p.Version
	}
	if want := map[string]string{"kubernetes": "v4.34.2", "random": "v4.21.2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
}
