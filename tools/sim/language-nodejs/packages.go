package main

// GetRequiredPackages: the resource plugins a program needs are the node_modules packages whose
// package.json has "pulumi": {"resource": true}, searched deeply from the program's directory,
// skipping nested policy packs (upstream: GetRequiredPackages, getPackagesFromDir,
// getPackageInfo, getPluginName, getPluginVersion in pulumi/pulumi v3.259.0
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type packageJSON struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := packagesIn(req.Info.ProgramDirectory, false, map[string]bool{})
	if err != nil {
		// Like upstream: what was found is still returned.
		logging.V(3).Infof("one or more errors while discovering plugins: %s", err)
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func packagesIn(dir string, inNodeModules bool, visited map[string]bool) ([]*pulumirpc.PackageDependency, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if visited[dir] {
		return nil, nil
	}
	visited[dir] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading plugin dir %s: %w", dir, err)
	}
	var found []*pulumirpc.PackageDependency
	var errs []error
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			fi, err := os.Stat(real)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			p, isDir = real, fi.IsDir()
		}
		switch {
		case isDir:
			// A nested policy pack's plugins are not the program's.
			if pack, err := workspace.DetectPolicyPackPathAt(p); err != nil {
				errs = append(errs, err)
				continue
			} else if pack != "" {
				continue
			}
			more, err := packagesIn(p, inNodeModules || filepath.Base(dir) == "node_modules", visited)
			if err != nil {
				errs = append(errs, err)
			}
			found = append(found, more...)
		case inNodeModules && e.Name() == "package.json":
			dep, err := packageOf(p)
			if err != nil {
				errs = append(errs, err)
			} else if dep != nil {
				found = append(found, dep)
			}
		}
	}
	return found, errors.Join(errs...)
}

func packageOf(file string) (*pulumirpc.PackageDependency, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var info packageJSON
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("unmarshaling package.json %s: %w", file, err)
	}
	if !info.Pulumi.Resource {
		return nil, nil
	}
	name := info.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(info.Name, "@pulumi/") {
			return nil, fmt.Errorf("%s: a third-party plugin package needs \"pulumi\": {\"name\": ...}", file)
		}
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	version := info.Pulumi.Version
	if version == "" {
		version = info.Version
	}
	if version == "" {
		return nil, fmt.Errorf("%s: missing expected \"version\" property", file)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: info.Pulumi.Server}
	if p := info.Pulumi.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	if p := info.Pulumi.ExtensionParameterization; p != nil {
		dep.Extension = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dep, nil
}
