package project

import (
	"fmt"
	"io"
	"os"
)

// maxConfSize bounds what dockerops reads from one file: project files are
// small, and an include of /dev/zero must not exhaust memory.
const maxConfSize = 8 << 20

// readConfFile reads a regular file of at most maxConfSize bytes; device
// files and FIFOs (an include of /dev/stdin) are refused, not waited on.
func readConfFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfSize {
		return nil, fmt.Errorf("larger than %d MiB", maxConfSize>>20)
	}
	return data, nil
}
