package handlers

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// uploadAndConfirm uploads a document, then confirms its preview into a
// new deck named after it, leaving out close matches: what a user does
// who clicks Import twice.
func (b *browser) uploadAndConfirm(fields map[string]string, fileName string, content []byte) page {
	b.t.Helper()
	return b.confirm(b.uploadForm("/import", fields, fileName, content), nil)
}

// confirm follows an upload to its preview and confirms it with the
// preview's choices, changed by extra. An upload that was refused is
// returned as it is.
func (b *browser) confirm(upload page, extra url.Values) page {
	b.t.Helper()
	loc := upload.header.Get("Location")
	if upload.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/import/preview/") {
		return upload
	}
	pv := b.get(loc)
	wantStatus(b.t, "preview", pv, http.StatusOK)
	form := hiddenFields(pv.body, "confirm-import")
	form.Set("deck", "new")
	form.Set("deck_name", inputValue(pv.body, "deck_name"))
	if strings.Contains(pv.body, `name="skip_close"`) {
		form.Set("skip_close", "1")
	}
	for k, v := range extra {
		form[k] = v
	}
	path, _, _ := strings.Cut(loc, "?")
	return b.post(path, form)
}

// hiddenFields reads the hidden inputs of the form with the class.
func hiddenFields(body, class string) url.Values {
	v := url.Values{}
	i := strings.Index(body, `class="stack `+class+`"`)
	if i < 0 {
		return v
	}
	form, _, _ := strings.Cut(body[i:], "</form>")
	for _, m := range hiddenInputRe.FindAllStringSubmatch(form, -1) {
		if m[1] != "csrf" {
			v.Set(m[1], m[2])
		}
	}
	return v
}

func inputValue(body, name string) string {
	_, rest, ok := strings.Cut(body, `name="`+name+`" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return html.UnescapeString(v)
}

var hiddenInputRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
