// etcd's own main package lives in a module that replaces its siblings with local paths,
// so it cannot be built as a dependency; this is the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
