// Command oracle answers questions about Go's module rules using the Go toolchain's
// own copy of golang.org/x/mod, so goalign's Python code can be checked against it.
//
// It reads one JSON request per line on stdin, {"op": "...", "args": {...}}, and
// writes one JSON object per line on stdout. Errors are data ("error": text), never
// a crash, so one bad input does not end a test session.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/version"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
)

type request struct {
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args"`
}

type args struct {
	A, B, V, Path, Major, Older, Time, Rev string
	PathMajor                              string `json:"path_major"`
	Name, Data                             string
	DataB64                                string `json:"data_b64"`
	Lax, Sort                              bool
	Ops                                    [][]json.RawMessage
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var res map[string]any
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			res = map[string]any{"error": "bad request: " + err.Error()}
		} else {
			var a args
			if len(req.Args) > 0 {
				if err := json.Unmarshal(req.Args, &a); err != nil {
					res = map[string]any{"error": "bad args: " + err.Error()}
				}
			}
			if res == nil {
				res = answer(req.Op, a)
			}
		}
		enc.Encode(res)
		out.Flush()
	}
}

func answer(op string, a args) (res map[string]any) {
	defer func() {
		if r := recover(); r != nil {
			res = map[string]any{"panic": fmt.Sprint(r)}
		}
	}()
	r := func(v any) map[string]any { return map[string]any{"result": v} }
	re := func(v any, err error) map[string]any { return map[string]any{"result": v, "error": errText(err)} }
	switch op {
	case "semver.compare":
		return r(semver.Compare(a.A, a.B))
	case "semver.canonical":
		return r(semver.Canonical(a.V))
	case "semver.is_valid":
		return r(semver.IsValid(a.V))
	case "semver.major":
		return r(semver.Major(a.V))
	case "semver.major_minor":
		return r(semver.MajorMinor(a.V))
	case "semver.prerelease":
		return r(semver.Prerelease(a.V))
	case "semver.build":
		return r(semver.Build(a.V))
	case "semver.max":
		return r(semver.Max(a.A, a.B))
	case "module.check_path":
		return map[string]any{"error": errText(module.CheckPath(a.Path))}
	case "module.check_import_path":
		return map[string]any{"error": errText(module.CheckImportPath(a.Path))}
	case "module.check_file_path":
		return map[string]any{"error": errText(module.CheckFilePath(a.Path))}
	case "module.check":
		return map[string]any{"error": errText(module.Check(a.Path, a.V))}
	case "module.escape_path":
		return re(module.EscapePath(a.Path))
	case "module.unescape_path":
		return re(module.UnescapePath(a.Path))
	case "module.escape_version":
		return re(module.EscapeVersion(a.V))
	case "module.unescape_version":
		return re(module.UnescapeVersion(a.V))
	case "module.split_path_version":
		prefix, major, ok := module.SplitPathVersion(a.Path)
		return map[string]any{"prefix": prefix, "path_major": major, "ok": ok}
	case "module.check_path_major":
		return map[string]any{"error": errText(module.CheckPathMajor(a.V, a.PathMajor))}
	case "module.match_path_major":
		return r(module.MatchPathMajor(a.V, a.PathMajor))
	case "module.path_major_prefix":
		return r(module.PathMajorPrefix(a.PathMajor))
	case "module.canonical_version":
		return r(module.CanonicalVersion(a.V))
	case "module.is_pseudo_version":
		return r(module.IsPseudoVersion(a.V))
	case "module.is_zero_pseudo_version":
		return r(module.IsZeroPseudoVersion(a.V))
	case "module.pseudo_version_base":
		return re(module.PseudoVersionBase(a.V))
	case "module.pseudo_version_rev":
		return re(module.PseudoVersionRev(a.V))
	case "module.pseudo_version_time":
		t, err := module.PseudoVersionTime(a.V)
		if err != nil {
			return re("", err)
		}
		return re(t.UTC().Format(time.RFC3339), nil)
	case "module.pseudo_version":
		t, err := time.Parse(time.RFC3339, a.Time)
		if err != nil {
			return re("", err)
		}
		return r(module.PseudoVersion(a.Major, a.Older, t, a.Rev))
	case "module.zero_pseudo_version":
		return r(module.ZeroPseudoVersion(a.Major))
	case "gover.compare":
		return r(version.Compare("go"+a.A, "go"+a.B))
	case "gover.is_valid":
		return r(version.IsValid("go" + a.V))
	case "gover.lang":
		return r(strings.TrimPrefix(version.Lang("go"+a.V), "go"))
	case "modfile.fmt":
		return modfileFmt(a)
	case "modfile.parse":
		return modfileParse(a)
	case "modfile.edit":
		return modfileEdit(a)
	case "dirhash.hash_go_mod":
		data := []byte(a.Data)
		return re(dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(string(data))), nil
		}))
	case "dirhash.hash_zip":
		return re(dirhash.HashZip(a.Path, dirhash.Hash1))
	}
	return map[string]any{"error": "unknown op " + op}
}

func input(a args) []byte {
	if a.DataB64 != "" {
		b, _ := base64.StdEncoding.DecodeString(a.DataB64)
		return b
	}
	return []byte(a.Data)
}

func name(a args) string {
	if a.Name == "" {
		return "go.mod"
	}
	return a.Name
}

func parse(a args) (*modfile.File, error) {
	if a.Lax {
		return modfile.ParseLax(name(a), input(a), nil)
	}
	return modfile.Parse(name(a), input(a), nil)
}

// modfileFmt does what `go mod edit -fmt` does: Parse, SortBlocks, Cleanup, Format.
func modfileFmt(a args) map[string]any {
	f, err := parse(a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	f.SortBlocks()
	f.Cleanup()
	return formatted(f)
}

// formatted returns the file's bytes both as text and as base64, since JSON text
// cannot carry invalid UTF-8 exactly.
func formatted(f *modfile.File) map[string]any {
	out, err := f.Format()
	return map[string]any{
		"result":     string(out),
		"result_b64": base64.StdEncoding.EncodeToString(out),
		"error":      errText(err),
	}
}

func modfileParse(a args) map[string]any {
	f, err := parse(a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"error": "", "file": view(f)}
}

func mv(m module.Version) []string { return []string{m.Path, m.Version} }

// view is the parsed meaning of a go.mod as plain JSON, for comparing parsers.
func view(f *modfile.File) map[string]any {
	v := map[string]any{}
	if f.Module != nil {
		v["module"] = f.Module.Mod.Path
		v["deprecated"] = f.Module.Deprecated
	}
	if f.Go != nil {
		v["go"] = f.Go.Version
	}
	if f.Toolchain != nil {
		v["toolchain"] = f.Toolchain.Name
	}
	godebug := [][]string{}
	for _, g := range f.Godebug {
		godebug = append(godebug, []string{g.Key, g.Value})
	}
	v["godebug"] = godebug
	require := []any{}
	for _, r := range f.Require {
		require = append(require, []any{r.Mod.Path, r.Mod.Version, r.Indirect})
	}
	v["require"] = require
	exclude := [][]string{}
	for _, x := range f.Exclude {
		exclude = append(exclude, mv(x.Mod))
	}
	v["exclude"] = exclude
	replace := [][]string{}
	for _, x := range f.Replace {
		replace = append(replace, append(mv(x.Old), mv(x.New)...))
	}
	v["replace"] = replace
	retract := [][]string{}
	for _, x := range f.Retract {
		retract = append(retract, []string{x.Low, x.High, x.Rationale})
	}
	v["retract"] = retract
	tool := []string{}
	for _, x := range f.Tool {
		tool = append(tool, x.Path)
	}
	v["tool"] = tool
	ignore := []string{}
	for _, x := range f.Ignore {
		ignore = append(ignore, x.Path)
	}
	v["ignore"] = ignore
	return v
}

func str(m json.RawMessage) string {
	var s string
	json.Unmarshal(m, &s)
	return s
}

func boolean(m json.RawMessage) bool {
	var b bool
	json.Unmarshal(m, &b)
	return b
}

func requires(m json.RawMessage) []*modfile.Require {
	var rows [][]json.RawMessage
	json.Unmarshal(m, &rows)
	var reqs []*modfile.Require
	for _, row := range rows {
		reqs = append(reqs, &modfile.Require{
			Mod:      module.Version{Path: str(row[0]), Version: str(row[1])},
			Indirect: boolean(row[2]),
		})
	}
	return reqs
}

// modfileEdit applies x/mod File methods in order, then (optionally) SortBlocks,
// then Cleanup and Format, as `go mod edit` does after its flags.
func modfileEdit(a args) map[string]any {
	f, err := parse(a)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	for _, op := range a.Ops {
		if len(op) == 0 {
			return map[string]any{"error": "empty op"}
		}
		arg := func(i int) string { return str(op[i]) }
		var err error
		switch method := str(op[0]); method {
		case "AddModuleStmt":
			err = f.AddModuleStmt(arg(1))
		case "AddGoStmt":
			err = f.AddGoStmt(arg(1))
		case "DropGoStmt":
			f.DropGoStmt()
		case "AddToolchainStmt":
			err = f.AddToolchainStmt(arg(1))
		case "DropToolchainStmt":
			f.DropToolchainStmt()
		case "AddGodebug":
			err = f.AddGodebug(arg(1), arg(2))
		case "DropGodebug":
			err = f.DropGodebug(arg(1))
		case "AddRequire":
			err = f.AddRequire(arg(1), arg(2))
		case "AddNewRequire":
			f.AddNewRequire(arg(1), arg(2), boolean(op[3]))
		case "DropRequire":
			err = f.DropRequire(arg(1))
		case "SetRequire":
			f.SetRequire(requires(op[1]))
		case "SetRequireSeparateIndirect":
			f.SetRequireSeparateIndirect(requires(op[1]))
		case "SetRequireAtMostTwo":
			// Only in newer x/mod: reach it by name so older toolchains still build this.
			m := reflect.ValueOf(f).MethodByName(method)
			if !m.IsValid() {
				return map[string]any{"error": "unsupported: " + method}
			}
			m.Call([]reflect.Value{reflect.ValueOf(requires(op[1]))})
		case "AddExclude":
			err = f.AddExclude(arg(1), arg(2))
		case "DropExclude":
			err = f.DropExclude(arg(1), arg(2))
		case "AddReplace":
			err = f.AddReplace(arg(1), arg(2), arg(3), arg(4))
		case "DropReplace":
			err = f.DropReplace(arg(1), arg(2))
		case "AddRetract":
			err = f.AddRetract(modfile.VersionInterval{Low: arg(1), High: arg(2)}, arg(3))
		case "DropRetract":
			err = f.DropRetract(modfile.VersionInterval{Low: arg(1), High: arg(2)})
		case "AddTool":
			err = f.AddTool(arg(1))
		case "DropTool":
			err = f.DropTool(arg(1))
		case "AddIgnore":
			err = f.AddIgnore(arg(1))
		case "DropIgnore":
			err = f.DropIgnore(arg(1))
		default:
			return map[string]any{"error": "unknown method " + method}
		}
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
	}
	if a.Sort {
		f.SortBlocks()
	}
	f.Cleanup()
	return formatted(f)
}
