//go:build tools

// Records the commands this module builds, so go mod tidy keeps their dependencies.
package tools

import (
	_ "github.com/bitnami-labs/sealed-secrets/cmd/controller"
	_ "github.com/bitnami-labs/sealed-secrets/cmd/kubeseal"
)
