package main

// Run and RunPlugin: node with the program's own @pulumi/pulumi entry point, the arguments and
// the environment of upstream's host (pulumi/pulumi v3.259.0,
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go: Run, execRuntime, constructArguments,
// constructConfig, constructConfigSecretKeys, RunPlugin, parseOptions, locateModule).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The exit code with which @pulumi/pulumi says it has shown the user an actionable message
// already (upstream: nodeJSProcessExitedAfterShowingUserActionableMessage).
const exitAfterUserMessage = 32

// options are the `runtime.options` of Pulumi.yaml that change how node runs.
type options struct {
	typescript   bool
	tsconfigPath string
	nodeArgs     []string
}

func parseOptions(opts map[string]any) (options, error) {
	o := options{typescript: true}
	if v, ok := opts["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return o, errors.New("typescript option must be a boolean")
		}
		o.typescript = b
	}
	if v, ok := opts["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return o, errors.New("tsconfig option must be a string")
		}
		o.tsconfigPath = s
	}
	if v, ok := opts["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return o, errors.New("nodeargs option must be a string")
		}
		args, err := shlex.Split(s)
		if err != nil {
			return o, err
		}
		o.nodeArgs = args
	}
	return o, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfigPath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfigPath)
	}
	return env
}

// locateModule resolves a module the way node does from dir (upstream: locateModule).
func locateModule(ctx context.Context, mod, dir string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (e) {`+
		` console.error(e.code === "MODULE_NOT_FOUND" ? "It looks like the Pulumi SDK has not been installed: run npm ci in %s" : e.message);`+
		` process.exit(1); }`, mod, dir)
	cmd := exec.CommandContext(ctx, "node", "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Run runs the program: node <nodeargs> @pulumi/pulumi/cmd/run --monitor ... <entry point> <args>.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find node on the $PATH: %s", err)}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = locateModule(ctx, runPath, req.Info.ProgramDirectory)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfg, err := configJSON(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("failed to serialize configuration: %s", err)}, nil
	}
	secretKeys := "[]"
	if keys := req.GetConfigSecretKeys(); keys != nil {
		b, err := json.Marshal(keys)
		if err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("failed to serialize configuration secret keys: %s", err)}, nil
		}
		secretKeys = string(b)
	}

	env := append(os.Environ(), "PULUMI_CONFIG="+cfg, "PULUMI_CONFIG_SECRET_KEYS="+secretKeys)
	env = append(env, opts.env()...)
	if otel := os.Getenv("PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT"); otel != "" {
		env = append(env, "PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT="+otel)
	}
	args := append(append([]string{}, opts.nodeArgs...), h.runArguments(req, runPath)...)

	// SIGINT on the Cancel RPC or when the request ends; SIGKILL 5 s later (upstream: execRuntime).
	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, node, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	// Node may switch its stdout and stderr to non-blocking mode: never hand it ours directly.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %s", err)}, nil
		}
		switch code := ee.ExitCode(); code {
		case exitAfterUserMessage:
			return &pulumirpc.RunResponse{Bail: true}, nil
		case 0:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %s", err)}, nil
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
		}
	}
	return &pulumirpc.RunResponse{}, nil
}

// runArguments is upstream's constructArguments, with the engine's monitor address itself.
func (h *host) runArguments(req *pulumirpc.RunRequest, runPath string) []string {
	args := []string{runPath}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetInfo().GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	args = append(args, req.GetInfo().GetEntryPoint())
	return append(args, req.GetArgs()...)
}

// configJSON presents config keys as <namespace>:config:<name>, as upstream's constructConfig
// does for older @pulumi/pulumi packages (newer ones read both forms).
func configJSON(cfg map[string]string) (string, error) {
	if cfg == nil {
		return "{}", nil
	}
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// RunPlugin runs a plugin written in Node.js: a policy pack (kind analyzer, through
// @pulumi/pulumi/cmd/run-policy-pack and sdk/v3's PolicyProxy, which hands the pack the stack's
// configuration) or a provider/component package (@pulumi/pulumi/cmd/run-plugin).
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return err
	}
	env := append(append([]string{}, req.Env...), opts.env()...)
	analyzer := req.Kind == string(apitype.AnalyzerPlugin)
	runPath := "@pulumi/pulumi/cmd/run-policy-pack"
	if !analyzer {
		if runPath = os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); runPath == "" {
			runPath = "@pulumi/pulumi/cmd/run-plugin"
		}
	}
	runPath, err = locateModule(ctx, runPath, req.Info.ProgramDirectory)
	if err != nil {
		return err
	}
	args := append([]string{runPath}, opts.nodeArgs...)
	// A policy pack gets its directory last, everything else first (upstream: RunPlugin).
	if analyzer {
		args = append(append(args, req.Args...), req.Info.ProgramDirectory)
	} else {
		args = append(append(args, req.Info.ProgramDirectory), req.Args...)
	}

	var proxy *sdk.PolicyProxy
	if analyzer {
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stack != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", stack.Organization)
			add("PULUMI_NODEJS_PROJECT", stack.Project)
			add("PULUMI_NODEJS_STACK", stack.Stack)
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.DryRun))
			if stack.Config != nil {
				b, err := json.Marshal(stack.Config)
				if err != nil {
					return fmt.Errorf("could not marshal stack configuration: %w", err)
				}
				add("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	// Policy packs run in their own directory (upstream keeps that for compatibility).
	if analyzer {
		cmd.Dir = req.Info.ProgramDirectory
	} else {
		cmd.Dir = req.Pwd
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
		return nil
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	return closer.Close()
}
