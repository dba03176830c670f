// pulumi-language-nodejs of the spark-s3 simulator: the project's own small Pulumi language host
// for Node.js programs, built from github.com/pulumi/pulumi/sdk/v3 on the Go module proxy.
//
// Why it exists: the Pulumi CLI distribution ships its own Node.js language host, and a machine
// with an installed CLI that is new enough uses that one (scripts/sim-toolchain.sh). Where the
// project has to build the CLI from the Go module proxy (no CLI, no internet), the upstream host
// cannot be built: it is its own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/
// pulumi-language-nodejs/v3) that the proxy does not serve. So the project has this one,
// written here against the LanguageRuntime gRPC service of sdk/v3 (proto/pulumi/language.proto).
// It launches the program's own @pulumi/pulumi entry points (cmd/run, cmd/run-plugin,
// cmd/run-policy-pack) with the arguments and environment that upstream's host passes, as read
// in pulumi/pulumi v3.259.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go (main, Run,
// execRuntime, constructArguments, constructConfig, RunPlugin, GetRequiredPackages,
// getPackagesFromDir).
//
// What it leaves out, on purpose:
//   - the resource-monitor proxy and the synchronous-invoke pipes of upstream's Run (proxy.go,
//     proxy_unix.go): their only reader in @pulumi/pulumi, runtime/settings.js
//     tryGetSyncInvokes, has no caller in the SDK this project uses, so the program is given
//     the engine's monitor address directly;
//   - InstallDependencies installs nothing (the project's `npm ci` has), it checks that
//     @pulumi/pulumi resolves from the program's directory;
//   - code generation, packing and linking (GenerateProject/Program/Package, Pack, Link,
//     Template, RuntimeOptionsPrompts), debugger attachment, the bun runtime and fnm.
//
// Not for use outside the simulator's toolchain.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// The flags upstream's host takes (main.go main); the engine passes its address last.
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	runtimeName := flag.String("runtime", "nodejs", "The runtime (only nodejs here)")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(false, 0, false)
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s (this simulator host runs nodejs only)", *runtimeName))
	}
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(stop)
	}()
	// Exit when the engine goes away, as upstream does.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	h := newHost(engineAddress, *tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	// Cancelled by the Cancel RPC: running programs get SIGINT.
	cancelCtx context.Context
	cancel    context.CancelFunc
}

func newHost(engineAddress, tracing string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{engineAddress: engineAddress, tracing: tracing, cancelCtx: ctx, cancel: cancel}
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.EngineAddress
	h.mu.Unlock()
	hctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	if err := rpcutil.Healthcheck(hctx, req.EngineAddress, 5*time.Minute, cancel); err != nil {
		return nil, fmt.Errorf("could not start health check host RPC server: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// About reports node's path and version, as upstream's About does (package manager: npm).
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	resp := &pulumirpc.AboutResponse{Executable: node, Metadata: map[string]string{"packagemanager": "npm"}}
	if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
		resp.Version = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, "npm", "--version").Output(); err == nil {
		resp.Metadata["packagemanagerVersion"] = strings.TrimSpace(string(out))
	}
	return resp, nil
}

// GetProgramDependencies lists the program's packages the way upstream does (sdk/v3 nodejs/npm).
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	pm, err := npm.ResolvePackageManager(npm.AutoPackageManager, req.Info.ProgramDirectory)
	if err != nil {
		return nil, fmt.Errorf("failed to determine package manager: %w", err)
	}
	pkgs, err := pm.ListPackages(ctx, req.Info.ProgramDirectory, req.TransitiveDependencies)
	if err != nil {
		return nil, fmt.Errorf("failed to get node dependencies: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, len(pkgs))
	for i, p := range pkgs {
		deps[i] = &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// InstallDependencies installs nothing: the project's `npm ci` has. It fails, naming the
// directory, where @pulumi/pulumi does not resolve, instead of letting the program fail later.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, _, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := req.Info.ProgramDirectory
	if _, err := locateModule(server.Context(), "@pulumi/pulumi/package.json", dir); err != nil {
		return fmt.Errorf("@pulumi/pulumi does not resolve from %s: run `npm ci` there "+
			"(the simulator's language host installs nothing): %w", dir, err)
	}
	fmt.Fprintf(stdout, "Dependencies of %s: installed already (npm ci); the simulator's language host installs nothing.\n", dir)
	return closer.Close()
}
