package main

import (
	"context"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func inputs(t *testing.T, m map[string]any) map[string]*structpb.Value {
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s.Fields
}

func TestGenerateHonoursClassesAndMinimums(t *testing.T) {
	for i := 0; i < 50; i++ {
		v, err := generate(inputs(t, map[string]any{"length": 20, "lower": false, "special": false, "minNumeric": 5}))
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != 20 {
			t.Fatalf("length %d: %q", len(v), v)
		}
		if strings.ContainsAny(v, lowerChars+specialChars) {
			t.Fatalf("lower or special in %q", v)
		}
		if countAny(v, numericChars) < 5 {
			t.Fatalf("fewer than 5 digits in %q", v)
		}
	}
}

func countAny(s, chars string) int {
	n := 0
	for _, c := range s {
		if strings.ContainsRune(chars, c) {
			n++
		}
	}
	return n
}

func TestGenerateDiffers(t *testing.T) {
	a, _ := generate(inputs(t, map[string]any{"length": 40}))
	b, _ := generate(inputs(t, map[string]any{"length": 40}))
	if a == b {
		t.Fatalf("two draws are equal: %q", a)
	}
}

func TestCheckFillsDefaultsAndRequiresLength(t *testing.T) {
	p := &standIn{}
	urn := "urn:pulumi:local::spark-s3::spark-s3:store:MinioObjectStore$" + tokenPassword + "::root"
	news, _ := structpb.NewStruct(map[string]any{"length": 40, "special": false})
	r, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: news})
	if err != nil || len(r.Failures) != 0 {
		t.Fatalf("%v %v", err, r.GetFailures())
	}
	f := r.Inputs.Fields
	if !f["lower"].GetBoolValue() || f["special"].GetBoolValue() || f["minUpper"].GetNumberValue() != 0 {
		t.Fatalf("defaults: %v", f)
	}
	none, _ := structpb.NewStruct(map[string]any{})
	if r, _ := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: none}); len(r.GetFailures()) != 1 {
		t.Fatalf("no length accepted: %v", r)
	}
	if _, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:s::p::random:index/randomUuid:RandomUuid::u"}); err == nil {
		t.Fatal("RandomUuid accepted")
	}
}

func TestDiffReplacesOnAnyChange(t *testing.T) {
	p := &standIn{}
	olds, _ := structpb.NewStruct(map[string]any{"length": 16, "upper": false})
	same, _ := structpb.NewStruct(map[string]any{"length": 16, "upper": false})
	longer, _ := structpb.NewStruct(map[string]any{"length": 20, "upper": false})
	if r, _ := p.Diff(context.Background(), &pulumirpc.DiffRequest{OldInputs: olds, News: same}); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("no change reported as %v", r)
	}
	r, _ := p.Diff(context.Background(), &pulumirpc.DiffRequest{OldInputs: olds, News: longer})
	if r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 1 || r.Replaces[0] != "length" {
		t.Fatalf("length change: %v", r)
	}
}
