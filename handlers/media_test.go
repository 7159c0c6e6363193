package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/flashcards/flashcards/data"
)

// noisePNG is a distinct PNG of at least size bytes (noise does not compress).
func noisePNG(t testing.TB, seed, size int) []byte {
	side := 8
	for side*side*4 < size {
		side *= 2
	}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	x := uint32(seed*2654435761 + 7)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = uint8(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scriptSVG would show an alert and change its title if its script ran.
const scriptSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="document.title='svg-ran'">
<rect width="120" height="60" fill="#3a7"/>
<script>document.title = "svg-ran"; fetch("/settings");</script>
</svg>`

// uploadImage posts one file to /media as the card form's script does.
func (b *browser) uploadImage(name string, file []byte) (page, mediaJSON) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+"/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	p := b.do(req)
	var m mediaJSON
	if p.status == http.StatusCreated {
		if err := json.Unmarshal([]byte(p.body), &m); err != nil {
			b.t.Fatalf("upload answer %q: %v", p.body, err)
		}
	}
	return p, m
}

func TestMediaUploadAndServe(t *testing.T) {
	app := newTestApp(t, openSignup())
	ada, bob, anon := newBrowser(t, app), newBrowser(t, app), newBrowser(t, app)
	ada.signup("ada", "correct horse battery")
	bob.signup("bob", "correct horse battery")
	ada.get("/cards/new")
	bob.get("/cards/new")

	pic := noisePNG(t, 1, 2000)
	// A PNG named .jpg is a PNG.
	p, m := ada.uploadImage("diagram.jpg", pic)
	wantStatus(t, "upload", p, http.StatusCreated)
	if !strings.HasSuffix(m.URL, ".png") || m.ContentType != "image/png" || m.Markdown != "![diagram]("+m.URL+")" {
		t.Errorf("upload answer %+v", m)
	}

	got := ada.get(m.URL)
	wantStatus(t, "owner reads", got, http.StatusOK)
	if got.body != string(pic) {
		t.Error("the served bytes differ from the upload")
	}
	for name, want := range map[string]string{
		"Content-Type":            "image/png",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
		"Cache-Control":           "private, max-age=31536000, immutable",
	} {
		if v := got.header.Get(name); v != want {
			t.Errorf("%s: %q, want %q", name, v, want)
		}
	}
	// Not to bob, not to a stranger, not under another extension.
	wantStatus(t, "bob reads ada's image", bob.get(m.URL), http.StatusNotFound)
	wantStatus(t, "anonymous reads it", anon.get(m.URL), http.StatusNotFound)
	wantStatus(t, "another extension", ada.get(strings.TrimSuffix(m.URL, ".png")+".gif"), http.StatusNotFound)
	wantStatus(t, "a path", ada.get("/media/..%2fapp.db"), http.StatusNotFound)

	// Bob uploads the same bytes: now he may read them too, as his own.
	p, m2 := bob.uploadImage("mine.png", pic)
	wantStatus(t, "bob's upload", p, http.StatusCreated)
	if m2.URL != m.URL {
		t.Errorf("same bytes, other URL: %s vs %s", m2.URL, m.URL)
	}
	wantStatus(t, "bob reads his copy", bob.get(m.URL), http.StatusOK)

	// Refusals answer JSON in words.
	p, _ = ada.uploadImage("notes.png", []byte("#!/bin/sh\nrm -rf /"))
	wantStatus(t, "a script named .png", p, http.StatusBadRequest)
	wantBody(t, "a script named .png", p, `is not a PNG, JPEG, GIF, WebP or SVG image`)

	// An SVG is kept and served as an image, with the sandboxing policy.
	p, svg := ada.uploadImage("chart.svg", []byte(scriptSVG))
	wantStatus(t, "svg upload", p, http.StatusCreated)
	s := ada.get(svg.URL)
	if s.header.Get("Content-Type") != "image/svg+xml" || s.header.Get("Content-Security-Policy") != mediaCSP {
		t.Errorf("svg served as %q with CSP %q", s.header.Get("Content-Type"), s.header.Get("Content-Security-Policy"))
	}
	// The card form says what the images take.
	wantBody(t, "the card form", ada.get("/cards/new"), "Your images take "+formatSize(int64(len(pic))+int64(len(scriptSVG)))+" of the 100 MiB you may keep; one may be at most 5 MiB.")
	// Without the CSRF token nothing is kept.
	ada.csrf = "wrong"
	p, _ = ada.uploadImage("x.png", noisePNG(t, 9, 500))
	wantStatus(t, "upload without the token", p, http.StatusForbidden)
}

// The per-user cap, over HTTP and with uploads racing: the cap holds and
// every refusal says why.
func TestMediaPerUserCap(t *testing.T) {
	app := newTestApp(t, openSignup())
	ada := newBrowser(t, app)
	ada.signup("ada", "correct horse battery")
	ada.get("/cards/new")
	files := make([][]byte, 12)
	for i := range files {
		files[i] = noisePNG(t, 50+i, 4000)
	}
	one := int64(len(files[0]))
	app.store.MediaLimits.MaxUser = 4*one + one/2 // room for four

	var wg sync.WaitGroup
	pages := make([]page, len(files))
	for i := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], _ = ada.uploadImage(fmt.Sprintf("p%d.png", i), files[i])
		}()
	}
	wg.Wait()
	created, refused := 0, 0
	for _, p := range pages {
		switch p.status {
		case http.StatusCreated:
			created++
		case http.StatusRequestEntityTooLarge:
			refused++
			wantBody(t, "refusal", p, "Your images take")
			wantBody(t, "refusal", p, "you may keep")
		default:
			t.Errorf("status %d: %s", p.status, p.body)
		}
	}
	u, err := app.store.MediaUsage(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if created != 4 || refused != 8 || u.Files != 4 || u.Bytes > app.store.MediaLimits.MaxUser {
		t.Errorf("%d kept, %d refused, usage %+v, cap %d", created, refused, u, app.store.MediaLimits.MaxUser)
	}
}

func TestMediaPerFileCap(t *testing.T) {
	app := newTestApp(t, openSignup())
	app.store.MediaLimits.MaxFile = 3000
	ada := newBrowser(t, app)
	ada.signup("ada", "correct horse battery")
	ada.get("/cards/new")
	p, _ := ada.uploadImage("big.png", noisePNG(t, 1, 5000))
	wantStatus(t, "a file over the cap", p, http.StatusRequestEntityTooLarge)
	wantBody(t, "a file over the cap", p, `The image \"big.png\" is`)
	wantBody(t, "a file over the cap", p, "an image may be at most 2.9 KiB")
}

// The API uploads and serves images with a bearer token, to their owner only.
func TestMediaThroughTheAPI(t *testing.T) {
	app := newTestApp(t, openSignup())
	_, adaTok := studyUser(t, app, "ada", 1, data.DefaultSettings())
	_, bobTok := studyUser(t, app, "bob", 1, data.DefaultSettings())
	pic := noisePNG(t, 3, 1500)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "chart.png")
	fw.Write(pic)
	mw.Close()
	status, _, raw := exportRaw(t, app, http.MethodPost, "/api/v1/media", adaTok, mw.FormDataContentType(), body.Bytes())
	var m mediaJSON
	if status != http.StatusCreated || json.Unmarshal(raw, &m) != nil || !strings.HasPrefix(m.URL, "/media/") {
		t.Fatalf("upload: %d %s", status, raw)
	}
	status, hdr, got := exportRaw(t, app, http.MethodGet, "/api/v1"+m.URL, adaTok, "", nil)
	if status != http.StatusOK || !bytes.Equal(got, pic) || hdr.Get("Content-Type") != "image/png" {
		t.Errorf("owner's read: %d %s", status, hdr.Get("Content-Type"))
	}
	if status, _, _ := exportRaw(t, app, http.MethodGet, "/api/v1"+m.URL, bobTok, "", nil); status != http.StatusNotFound {
		t.Errorf("bob's read: %d, want 404", status)
	}
	if status, _, _ := exportRaw(t, app, http.MethodGet, "/api/v1"+m.URL, "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("a read without a token: %d, want 401", status)
	}
	status, _, raw = exportRaw(t, app, http.MethodPost, "/api/v1/media", adaTok, "text/plain", []byte("hello"))
	if status != http.StatusBadRequest || !strings.Contains(string(raw), `"error"`) {
		t.Errorf("a body that is no form: %d %s", status, raw)
	}
}
