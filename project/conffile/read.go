package conffile

import (
	"fmt"
	"io"
	"os"
)

// maxSize bounds what Read reads from one file: configuration files are
// small, and an include of /dev/zero must not exhaust memory.
const maxSize = 8 << 20

// Read reads a regular file of at most maxSize bytes; device files and FIFOs
// (an include of /dev/stdin) are refused, not waited on.
func Read(path string) ([]byte, error) {
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
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("larger than %d MiB", maxSize>>20)
	}
	return data, nil
}
