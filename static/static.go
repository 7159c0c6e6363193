// Package static holds the CSS, JavaScript and icons, embedded in the
// binary and served under URLs that carry a hash of their content, so
// browsers may cache them forever and still see every new release.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed css js img katex
var files embed.FS

// Prefix is where the assets are mounted.
const Prefix = "/static/"

type asset struct {
	name string // path inside the embedded tree, e.g. css/app.css
	body []byte
	etag string
}

// Assets maps logical names to content-hashed URLs and serves them.
type Assets struct {
	urls   map[string]string // css/app.css -> /static/css/app.1a2b3c4d5e.css
	hashed map[string]asset  // css/app.1a2b3c4d5e.css -> asset
}

// Load reads and hashes every embedded file. Stylesheets are hashed last,
// after their url(...) references to other assets (KaTeX's fonts) are
// rewritten to those assets' hashed URLs.
func Load() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, hashed: map[string]asset{}}
	var sheets []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if path.Ext(p) == ".css" {
			sheets = append(sheets, p)
			return nil
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(p, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range sheets {
		body, err := files.ReadFile(p)
		if err != nil {
			return nil, err
		}
		a.add(p, a.rewriteURLs(p, body))
	}
	return a, nil
}

func (a *Assets) add(p string, body []byte) {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:5])
	ext := path.Ext(p)
	hp := strings.TrimSuffix(p, ext) + "." + h + ext
	a.urls[p] = Prefix + hp
	a.hashed[hp] = asset{name: p, body: body, etag: `"` + h + `"`}
}

// cssURL is a url(...) reference in a stylesheet, unquoted as KaTeX writes them.
var cssURL = regexp.MustCompile(`url\(([^)"'\s]+)\)`)

// rewriteURLs points a stylesheet's relative url(...) references at the
// hashed URLs of the assets they name; others are left as they are.
func (a *Assets) rewriteURLs(sheet string, body []byte) []byte {
	dir := path.Dir(sheet)
	return cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		ref := string(cssURL.FindSubmatch(m)[1])
		if u, ok := a.urls[path.Join(dir, ref)]; ok && !strings.Contains(ref, ":") {
			return []byte("url(" + u + ")")
		}
		return m
	})
}

// URL returns the cacheable URL of a logical asset name such as "css/app.css".
// An unknown name panics: it is a programming error caught by any test that renders the page.
func (a *Assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("static: no asset named " + name)
	}
	return u
}

// ServeHTTP serves a hashed asset with a year-long immutable cache.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, Prefix)
	as, ok := a.hashed[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(as.name))
	if path.Ext(as.name) == ".woff2" {
		ct = "font/woff2" // not in Go's own table, and machines' tables differ
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", as.etag)
	http.ServeContent(w, r, as.name, time.Time{}, bytes.NewReader(as.body))
}
