package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// printMachine writes what the figures were measured on, as markdown.
func printMachine(w io.Writer, compose string) {
	fmt.Fprintf(w, "Measured %s by `mage bench` (`go run ./bench`).\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "* Machine: %s, %d vCPU, %s RAM; %s, kernel %s.\n", cpuModel(), runtime.NumCPU(), memTotal(), osName(), output("uname", "-r"))
	fmt.Fprintf(w, "* Engine: Docker %s (API %s, %s, cgroup v%s); CLI %s.\n",
		output("docker", "version", "--format", "{{.Server.Version}}"), output("docker", "version", "--format", "{{.Server.APIVersion}}"),
		output("docker", "info", "--format", "{{.Driver}}"), output("docker", "info", "--format", "{{.CgroupVersion}}"),
		output("docker", "version", "--format", "{{.Client.Version}}"))
	fmt.Fprintf(w, "* Compose: %s (`%s`).\n", composeVersionOf(compose), compose)
	fmt.Fprintf(w, "* dockerops: commit %s, default `parallel` (no bound).\n\n", output("git", "describe", "--always", "--dirty"))
}

// output is a command's trimmed stdout, or "unknown".
func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return fmt.Sprintf("%.0f GiB", kb/(1<<20))
		}
	}
	return "unknown"
}

func osName() string {
	data, _ := os.ReadFile("/etc/os-release")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return runtime.GOOS
}

// print writes the results as a markdown table: each tool's median, the
// median of the per-round ratios and their range, and the bytes and SSH
// connections where they were counted.
func (r *results) print(w io.Writer, title string) {
	a, b := r.tools[0], r.tools[1]
	la, lb := r.labels[0], r.labels[1]
	bytes := r.counted(func(s sample) int64 { return s.bytes })
	conns := r.counted(func(s sample) int64 { return s.conns })
	events := r.counted(func(s sample) int64 { return s.events })
	fmt.Fprintf(w, "%s, %d interleaved rounds (medians; ratio = median of the per-round %s/%s ratios, range in brackets)\n\n", title, r.runs, la, lb)
	head := []string{"measurement", la, lb, "time ratio"}
	if bytes {
		head = append(head, la+" bytes", lb+" bytes", "bytes ratio")
	}
	if conns {
		head = append(head, la+" SSH connections", lb+" SSH connections")
	}
	if events {
		head = append(head, la+" container events", lb+" container events")
	}
	fmt.Fprintf(w, "| %s |\n|---|%s\n", strings.Join(head, " | "), strings.Repeat("---:|", len(head)-1))
	for _, p := range r.phases {
		row := []string{p.label, duration(median(r.durations(a, p.key))), duration(median(r.durations(b, p.key))),
			ratio(r.ratios(p.key, func(s sample) float64 { return float64(s.d) }))}
		if bytes {
			of := func(s sample) int64 { return s.bytes }
			row = append(row, size(median(r.counts(a, p.key, of))), size(median(r.counts(b, p.key, of))),
				ratio(r.ratios(p.key, func(s sample) float64 { return float64(s.bytes) })))
		}
		if conns {
			of := func(s sample) int64 { return s.conns }
			row = append(row, fmt.Sprintf("%.0f", median(r.counts(a, p.key, of))), fmt.Sprintf("%.0f", median(r.counts(b, p.key, of))))
		}
		if events {
			of := func(s sample) int64 { return s.events }
			row = append(row, fmt.Sprintf("%.0f", median(r.counts(a, p.key, of))), fmt.Sprintf("%.0f", median(r.counts(b, p.key, of))))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintln(w)
	if r.hung > 0 {
		fmt.Fprintf(w, "A tool hung (killed after %s) in %d of %d rounds; those rounds have no sample of it and pair nothing.\n\n", hangAfter, r.hung, r.runs)
	}
}

// counted says whether some sample has the count of.
func (r *results) counted(of func(sample) int64) bool {
	for _, phases := range r.s {
		for _, ss := range phases {
			if slices.ContainsFunc(ss, func(s *sample) bool { return s != nil && of(*s) >= 0 }) {
				return true
			}
		}
	}
	return false
}

func ratio(rs []float64) string {
	if len(rs) == 0 {
		return "n/a"
	}
	if len(rs) == 1 {
		return fmt.Sprintf("%.2f", rs[0])
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", median(rs), slices.Min(rs), slices.Max(rs))
}

func duration(ns float64) string {
	d := time.Duration(ns)
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func size(n float64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.0f kB", n/1e3)
	}
	return fmt.Sprintf("%.1f MB", n/1e6)
}
