// pulumi-resource-random STAND-IN of the spark-s3 simulator. Not the real provider.
//
// The program's MinIO store draws its keys with @pulumi/random (RandomString, RandomPassword).
// A connected machine gets the real plugin (github.com/pulumi/pulumi-random) from the Pulumi
// engine's plugin download; offline the simulator cannot, because the Go module proxy does not
// serve that provider. This stand-in, written here against sdk/v3's ResourceProvider gRPC
// service, implements exactly those two resources the way the real ones behave for the inputs
// the program uses (terraform-provider-random's string and password resources, which
// pulumi-random bridges): length, lower, upper, numeric (and its deprecated alias number),
// special, overrideSpecial, minLower, minUpper, minNumeric, minSpecial and keepers; every
// input change replaces the resource; the value comes from crypto/rand. It leaves out
// bcryptHash, imports and every other resource of the package. @pulumi/random itself marks
// RandomPassword's result secret (additionalSecretOutputs), so the state holds it encrypted
// just as with the real plugin.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is what @pulumi/random in the project's package-lock.json asks for (set at build).
var version = "0.0.0"

const (
	tokenString   = "random:index/randomString:RandomString"
	tokenPassword = "random:index/randomPassword:RandomPassword"
	// The engine's wire form of an unknown value (sdk/v3 resource/plugin: UnknownStringValue).
	unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	// terraform-provider-random's character sets (internal/random/string.go).
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

func main() {
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &standIn{}, nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}

type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func (*standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (*standIn) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (*standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (*standIn) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	// Plain values only: the SDK re-marks the secret outputs.
	return &pulumirpc.ConfigureResponse{SupportsPreview: true}, nil
}

func (*standIn) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// supported: the URN's type (urn:pulumi:<stack>::<project>::<parent types $>type::<name>) is one
// of the two resources.
func supported(urn string) error {
	if parts := strings.Split(urn, "::"); len(parts) >= 4 {
		types := strings.Split(parts[2], "$")
		if t := types[len(types)-1]; t == tokenString || t == tokenPassword {
			return nil
		}
	}
	return fmt.Errorf("%s: the simulator's random stand-in implements only RandomString and RandomPassword", urn)
}

// Check fills in the defaults the real provider reports (lower, upper, numeric, special: true;
// the minimums: 0) and requires a positive length.
func (*standIn) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := supported(req.GetUrn()); err != nil {
		return nil, err
	}
	news := req.GetNews()
	if news == nil {
		news = &structpb.Struct{}
	}
	in := map[string]*structpb.Value{}
	for k, v := range news.GetFields() {
		in[k] = v
	}
	if n, ok := in["number"]; ok {
		if _, has := in["numeric"]; !has {
			in["numeric"] = n
		}
	}
	for _, k := range []string{"lower", "upper", "numeric", "special"} {
		if _, ok := in[k]; !ok {
			in[k] = structpb.NewBoolValue(true)
		}
	}
	for _, k := range []string{"minLower", "minUpper", "minNumeric", "minSpecial"} {
		if _, ok := in[k]; !ok {
			in[k] = structpb.NewNumberValue(0)
		}
	}
	if l, ok := in["length"]; !ok || (l.GetStringValue() != unknownValue && l.GetNumberValue() < 1) {
		return &pulumirpc.CheckResponse{Failures: []*pulumirpc.CheckFailure{{
			Property: "length", Reason: "length is required and must be at least 1",
		}}}, nil
	}
	return &pulumirpc.CheckResponse{Inputs: &structpb.Struct{Fields: in}}, nil
}

// Diff: every input forces a new value, as in the real provider (all attributes ForceNew).
func (*standIn) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news := req.GetOldInputs().GetFields(), req.GetNews().GetFields()
	keys := map[string]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		o, n := olds[k], news[k]
		if o == nil || n == nil || !proto.Equal(o, n) {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed, Replaces: changed}, nil
}

func (*standIn) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := supported(req.GetUrn()); err != nil {
		return nil, err
	}
	out := map[string]*structpb.Value{}
	for k, v := range req.GetProperties().GetFields() {
		out[k] = v
	}
	if req.GetPreview() {
		out["result"] = structpb.NewStringValue(unknownValue)
		return &pulumirpc.CreateResponse{Properties: &structpb.Struct{Fields: out}}, nil
	}
	result, err := generate(req.GetProperties().GetFields())
	if err != nil {
		return nil, err
	}
	out["result"] = structpb.NewStringValue(result)
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: "standin-" + hex.EncodeToString(id), Properties: &structpb.Struct{Fields: out}}, nil
}

// Read returns the state as it is: the value lives only there, as with the real provider.
func (*standIn) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (*standIn) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return nil, fmt.Errorf("%s: every change replaces a random value (the stand-in has no update)", req.GetUrn())
}

func (*standIn) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func boolIn(in map[string]*structpb.Value, k string) bool {
	v, ok := in[k]
	return !ok || v.GetBoolValue()
}

func intIn(in map[string]*structpb.Value, k string) int {
	if v, ok := in[k]; ok {
		return int(v.GetNumberValue())
	}
	return 0
}

// generate draws the minimum of each enabled class, fills up from every enabled class, and
// shuffles (terraform-provider-random's CreateString).
func generate(in map[string]*structpb.Value) (string, error) {
	special := specialChars
	if v, ok := in["overrideSpecial"]; ok && v.GetStringValue() != "" {
		special = v.GetStringValue()
	}
	classes := []struct {
		on    bool
		chars string
		min   int
	}{
		{boolIn(in, "lower"), lowerChars, intIn(in, "minLower")},
		{boolIn(in, "upper"), upperChars, intIn(in, "minUpper")},
		{boolIn(in, "numeric"), numericChars, intIn(in, "minNumeric")},
		{boolIn(in, "special"), special, intIn(in, "minSpecial")},
	}
	length := intIn(in, "length")
	var all string
	var out []byte
	for _, c := range classes {
		if !c.on {
			continue
		}
		all += c.chars
		for i := 0; i < c.min; i++ {
			b, err := pick(c.chars)
			if err != nil {
				return "", err
			}
			out = append(out, b)
		}
	}
	if all == "" {
		return "", fmt.Errorf("lower, upper, numeric and special are all false: no characters to draw from")
	}
	for len(out) < length {
		b, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, b)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func pick(chars string) (byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
	if err != nil {
		return 0, err
	}
	return chars[n.Int64()], nil
}
