package project

import (
	"regexp"
	"strings"
)

var (
	directiveRE  = regexp.MustCompile(`^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$`)
	heredocRE    = regexp.MustCompile(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`)
	heredocInstr = map[string]bool{"RUN": true, "COPY": true, "ADD": true}
)

// logicalLines splits a Dockerfile into instructions (continuations joined,
// comment lines inside them dropped, heredoc bodies skipped) and top-level
// comment lines, honouring the escape parser directive.
func logicalLines(text string) []logicalLine {
	escape := `\`
	phys := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []logicalLine
	directives := true
	for i := 0; i < len(phys); i++ {
		t := strings.TrimSpace(phys[i])
		if t == "" {
			directives = false
			continue
		}
		if strings.HasPrefix(t, "#") {
			if m := directiveRE.FindStringSubmatch(t); directives && m != nil {
				if strings.EqualFold(m[1], "escape") && (m[2] == "`" || m[2] == `\`) {
					escape = m[2]
				}
				continue
			}
			directives = false
			out = append(out, logicalLine{line: i + 1, text: t, comment: true})
			continue
		}
		directives = false
		ll := logicalLine{line: i + 1}
		var b strings.Builder
		for ; i < len(phys); i++ {
			t := strings.TrimSpace(phys[i])
			if b.Len() > 0 && (t == "" || strings.HasPrefix(t, "#")) {
				continue
			}
			if !strings.HasSuffix(t, escape) {
				b.WriteString(t)
				break
			}
			b.WriteString(strings.TrimSuffix(t, escape))
			b.WriteByte(' ')
		}
		ll.text = strings.TrimSpace(b.String())
		out = append(out, ll)
		i = skipHeredocs(ll.text, phys, i)
	}
	return out
}

// skipHeredocs returns the index of the last line of the heredoc bodies an
// instruction opens (RUN <<EOF ... EOF), or i when it opens none.
func skipHeredocs(instr string, phys []string, i int) int {
	name, _, _ := strings.Cut(instr, " ")
	if !heredocInstr[strings.ToUpper(name)] {
		return i
	}
	for _, m := range heredocRE.FindAllStringSubmatch(instr, -1) {
		if m[2] != m[4] {
			continue
		}
		for i++; i < len(phys); i++ {
			line := phys[i]
			if m[1] == "-" {
				line = strings.TrimLeft(line, "\t")
			}
			if strings.TrimRight(line, "\r") == m[3] {
				break
			}
		}
	}
	return min(i, len(phys))
}

// splitWords splits on blanks, keeping quoted parts together.
func splitWords(s string) []string {
	var out []string
	var b strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0:
			b.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
			b.WriteRune(r)
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			inWord = true
			b.WriteRune(r)
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}

// envPairs reads "ENV K=V K2=V2" and the legacy "ENV K V" form.
func envPairs(args string) map[string]string {
	out := map[string]string{}
	words := splitWords(args)
	if len(words) > 0 && !strings.Contains(words[0], "=") {
		name, rest, _ := strings.Cut(args, " ")
		out[name] = unquote(strings.TrimSpace(rest))
		return out
	}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok {
			out[k] = unquote(v)
		}
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

var varRE = regexp.MustCompile(`\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expandVars expands $X, ${X}, ${X:-default} and ${X:+alt}; ok is false when
// a variable has no value.
func expandVars(s string, vars map[string]string) (string, bool) {
	ok := true
	out := varRE.ReplaceAllStringFunc(s, func(m string) string {
		if m == `\$` {
			return "$"
		}
		sub := varRE.FindStringSubmatch(m)
		name := sub[1] + sub[4]
		val, set := vars[name]
		switch sub[2] {
		case "-":
			if !set || val == "" {
				return sub[3]
			}
		case "+":
			if set && val != "" {
				return sub[3]
			}
			return ""
		}
		if !set {
			ok = false
		}
		return val
	})
	return unquote(out), ok
}
