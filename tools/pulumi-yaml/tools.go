//go:build tools

// Records the commands this module builds, so go mod tidy keeps their dependencies.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
