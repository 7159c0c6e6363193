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
	"strings"
	"time"
)

//go:embed css js img
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

// Load reads and hashes every embedded file.
func Load() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, hashed: map[string]asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:5])
		ext := path.Ext(p)
		hp := strings.TrimSuffix(p, ext) + "." + h + ext
		a.urls[p] = Prefix + hp
		a.hashed[hp] = asset{name: p, body: body, etag: `"` + h + `"`}
		return nil
	})
	return a, err
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
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", as.etag)
	http.ServeContent(w, r, as.name, time.Time{}, bytes.NewReader(as.body))
}
