package anki

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// This file turns the HTML of Anki's fields into the plain text cards hold,
// and plain text back into field HTML for an export. Nothing from a package
// is ever kept as markup: the reducer keeps the words, the line breaks and
// the lists, and drops everything else.

// listDepthMax bounds list indentation, so deeply nested hostile lists
// cannot make every line a screen of spaces.
const listDepthMax = 8

// blockTags start and end a line of their own.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "dd": true, "details": true,
	"dialog": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true, "figure": true,
	"footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hgroup": true, "hr": true, "main": true, "nav": true, "ol": true, "p": true, "pre": true,
	"section": true, "summary": true, "table": true, "tr": true, "ul": true, "caption": true,
}

// hiddenTags hold no text a person reads: their content is dropped.
// The first group are the tokenizer's raw-text elements, whose content
// comes as one text token even after a self-closing tag.
var (
	hiddenRaw = map[string]bool{"script": true, "style": true, "title": true, "iframe": true, "noembed": true,
		"noframes": true, "noscript": true, "textarea": true, "xmp": true, "plaintext": true}
	hiddenTags = map[string]bool{"template": true, "head": true, "svg": true, "math": true, "object": true}
)

// mediaTags refer to a media file: with a src, each is one dropped reference.
var mediaTags = map[string]bool{"img": true, "audio": true, "video": true, "source": true, "embed": true, "track": true}

// soundRef is how Anki puts a sound in a field's text.
var soundRef = regexp.MustCompile(`\[sound:[^\]]*\]`)

// FieldText reduces the HTML of one Anki field to plain text: br, div,
// p and the other blocks become line breaks, li a "- " line (indented when
// nested), table cells are joined with " | ", entities are decoded,
// whitespace collapses as a browser collapses it (&nbsp; is kept as a
// space), and tags, comments and the contents of script, style and the
// like are dropped. Media (<img src>, <audio>, [sound:...]) is dropped and
// counted. The text has no trailing spaces on a line, at most one blank
// line in a row, and no control characters but tab and newline.
func FieldText(field string) (text string, media int) {
	return FieldTextImages(field, nil)
}

// ImageFunc turns an <img>'s src and alt into the Markdown that shows
// the image, or reports that the package holds no such image.
type ImageFunc func(src, alt string) (string, bool)

// FieldTextImages is FieldText keeping the images images knows:
// an <img src> it resolves becomes ![alt](/media/...) in the text.
func FieldTextImages(field string, images ImageFunc) (text string, media int) {
	r := reducer{images: images}
	r.run(field)
	return r.finish()
}

type reducer struct {
	b      strings.Builder
	images ImageFunc
	media  int
	lists  int      // open ul/ol
	pre    int      // open pre: whitespace kept
	hidden []string // open elements whose content is dropped
	cells  int      // cells written on the current table row
	// literalLT: the text written last ended in a '<' of the field's own.
	literalLT bool
}

func (r *reducer) run(field string) {
	// Control characters go first, so dropping one cannot join a '<' to
	// the letter after it.
	field = strings.Map(func(c rune) rune {
		if isControl(c) {
			return -1
		}
		return c
	}, strings.ToValidUTF8(field, "\uFFFD"))
	z := html.NewTokenizer(strings.NewReader(field))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		switch tt {
		case html.TextToken:
			if len(r.hidden) == 0 {
				r.text(string(z.Raw()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if len(r.hidden) > 0 {
				// Nested elements of the same name keep the outer one open.
				if tt == html.StartTagToken && tag == r.hidden[len(r.hidden)-1] {
					r.hidden = append(r.hidden, tag)
				}
				continue
			}
			if hiddenRaw[tag] || (hiddenTags[tag] && tt == html.StartTagToken) {
				r.hidden = append(r.hidden, tag)
				continue
			}
			if mediaTags[tag] && hasAttr {
				src, alt := srcAlt(z)
				switch {
				case src == "":
				case tag == "img" && r.images != nil:
					if md, ok := r.images(src, alt); ok {
						r.b.WriteString(md)
						r.literalLT = false
						continue
					}
					r.media++
				default:
					r.media++
				}
			}
			r.start(tag, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if n := len(r.hidden); n > 0 {
				if tag == r.hidden[n-1] {
					r.hidden = r.hidden[:n-1]
				}
				continue
			}
			r.end(tag)
		}
		// Comments and doctypes are dropped.
	}
}

// srcAlt reads a media element's source (src, or data for an
// object) and its alt text.
func srcAlt(z *html.Tokenizer) (src, alt string) {
	for {
		key, val, more := z.TagAttr()
		switch string(key) {
		case "src", "data":
			if v := strings.TrimSpace(string(val)); v != "" && src == "" {
				src = v
			}
		case "alt":
			alt = string(val)
		}
		if !more {
			return src, alt
		}
	}
}

func (r *reducer) atLineStart() bool {
	s := r.b.String()
	return len(s) == 0 || s[len(s)-1] == '\n'
}

func (r *reducer) newline() {
	if !r.atLineStart() {
		r.b.WriteByte('\n')
	}
}

func (r *reducer) start(tag string, selfClosing bool) {
	switch {
	case tag == "br":
		r.b.WriteByte('\n')
	case tag == "li":
		r.newline()
		r.b.WriteString(strings.Repeat("  ", min(max(r.lists-1, 0), listDepthMax)))
		r.b.WriteString("- ")
	case tag == "td" || tag == "th":
		if r.cells > 0 {
			r.b.WriteString(" | ")
		}
		r.cells++
	case blockTags[tag]:
		r.newline()
		if tag == "tr" {
			r.cells = 0
		}
		if selfClosing {
			return
		}
		switch tag {
		case "ul", "ol":
			r.lists++
		case "pre":
			r.pre++
		}
	}
}

func (r *reducer) end(tag string) {
	switch {
	case tag == "li":
		r.newline()
	case tag == "br":
		// </br> is a line break to browsers too.
		r.b.WriteByte('\n')
	case blockTags[tag]:
		r.newline()
		switch tag {
		case "ul", "ol":
			r.lists = max(r.lists-1, 0)
		case "pre":
			r.pre = max(r.pre-1, 0)
		case "tr":
			r.cells = 0
		}
	}
}

// text writes a text token given raw, as it stood in the field: runs of
// HTML whitespace collapse to one space (none at the start of a line)
// before entities are decoded, so &nbsp; and &#9; survive as spacing.
func (r *reducer) text(raw string) {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	raw = strings.ReplaceAll(raw, "\r", "\n")
	// Sounds are found in the HTML, as Anki finds them; removing one can
	// make another ("[sou[sound:a]nd:b]").
	for soundRef.MatchString(raw) {
		r.media += len(soundRef.FindAllStringIndex(raw, -1))
		raw = soundRef.ReplaceAllString(raw, "")
	}
	if r.pre == 0 {
		raw = collapseSpace(raw)
		if strings.HasPrefix(raw, " ") {
			if s := r.b.String(); len(s) == 0 || s[len(s)-1] == '\n' || s[len(s)-1] == ' ' {
				raw = raw[1:]
			}
		}
	}
	// A literal '<' never starts a tag in a text token; dropping a tag or a
	// sound must not make it start one: "<<b></b>i>" is "< i>", not "<i>".
	raw = breakTags(raw)
	if s := r.b.String(); r.literalLT && len(s) > 0 && s[len(s)-1] == '<' && tagStart(raw) {
		r.b.WriteByte(' ')
	}
	r.literalLT = strings.HasSuffix(raw, "<")
	r.b.WriteString(html.UnescapeString(raw))
}

// tagStart reports whether s, following a '<', would open a tag,
// an end tag, a comment or a processing instruction.
func tagStart(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// breakTags puts a space after each '<' of raw text that now reads as
// the start of a tag.
func breakTags(raw string) string {
	if !strings.Contains(raw, "<") {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		b.WriteByte(raw[i])
		if raw[i] == '<' && tagStart(raw[i+1:]) {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// isControl reports the characters card text never holds: C0 and C1
// controls but tab and newline (and the carriage return and form feed
// HTML reads as whitespace).
func isControl(c rune) bool {
	switch c {
	case '\t', '\n', '\r', '\f':
		return false
	}
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\f':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteByte(c)
			space = false
		}
	}
	return b.String()
}

func (r *reducer) finish() (string, int) {
	return tidyText(r.b.String()), r.media
}

// tidyText makes the final text: non-breaking spaces become spaces,
// control characters but tab and newline go, each line loses its trailing
// spaces, blank lines collapse to one, and the whole is trimmed.
func tidyText(s string) string {
	s = strings.Map(func(c rune) rune {
		switch {
		case c == '\u00a0':
			return ' '
		case c == '\n' || c == '\t':
			return c
		case isControl(c) || c == '\r' || c == '\f':
			return -1
		}
		return c
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if blank || len(out) == 0 {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// imageRef is an image of the user's in card text, ![alt](/media/...)
// with an optional title, as the card form and the Anki import write it.
var imageRef = regexp.MustCompile(`!\[([^\]\n]*)\]\((/media/([0-9a-f]{64})\.(?:png|jpg|gif|webp|svg))(?:\s+"[^"\n]*")?\)`)

// FieldHTMLImages is FieldHTML writing each image of the user's that
// fileName knows, by its hash, as <img src="<hash>.<ext>">, the file the
// package carries; FieldTextImages reads it back to the same Markdown.
func FieldHTMLImages(text string, fileName func(hash string) (string, bool)) string {
	var b strings.Builder
	last := 0
	for _, m := range imageRef.FindAllStringSubmatchIndex(text, -1) {
		name, ok := fileName(text[m[6]:m[7]])
		if !ok {
			continue
		}
		b.WriteString(FieldHTML(text[last:m[0]]))
		b.WriteString(`<img src="` + html.EscapeString(name) + `" alt="` + html.EscapeString(text[m[2]:m[3]]) + `">`)
		last = m[1]
	}
	b.WriteString(FieldHTML(text[last:]))
	return b.String()
}

// FieldHTML writes card text as the HTML of an Anki field, the inverse
// of FieldText for any text it produced: special characters are
// escaped, a newline is <br>, a tab &#9;, and a space that HTML would
// collapse (at the start of a line or after another space) is &nbsp;.
func FieldHTML(text string) string {
	var b strings.Builder
	prevSpace, lineStart := false, true
	for i, c := range text {
		switch c {
		case '\n':
			b.WriteString("<br>")
			prevSpace, lineStart = false, true
			continue
		case ' ':
			if prevSpace || lineStart {
				b.WriteString("&nbsp;")
			} else {
				b.WriteByte(' ')
			}
			prevSpace, lineStart = true, false
			continue
		case '\t':
			b.WriteString("&#9;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '[':
			// Anki reads "[sound:...]" in a field's HTML as a sound to play.
			if strings.HasPrefix(text[i:], "[sound:") {
				b.WriteString("&#91;")
			} else {
				b.WriteByte('[')
			}
		default:
			b.WriteRune(c)
		}
		prevSpace, lineStart = false, false
	}
	return b.String()
}

// ---- card templates ----

// templateSpecial are the template names that are no field.
var templateSpecial = map[string]bool{
	"FrontSide": true, "Tags": true, "Type": true, "Deck": true, "Subdeck": true,
	"Card": true, "CardFlag": true, "CardID": true,
}

var templateRef = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// FieldRef is one field a template shows.
type FieldRef struct {
	Field   string
	Cloze   bool // {{cloze:Field}}
	TypeAns bool // {{type:Field}}: the typed-answer box
}

// TemplateFields lists the fields a card template shows, in order,
// skipping conditional markers ({{#F}}, {{^F}}, {{/F}}) and special names.
func TemplateFields(tmpl string) []FieldRef {
	var refs []FieldRef
	for _, m := range templateRef.FindAllStringSubmatch(tmpl, -1) {
		ref := strings.TrimSpace(m[1])
		if ref == "" || strings.ContainsAny(ref[:1], "#^/!") {
			continue
		}
		parts := strings.Split(ref, ":")
		name := strings.TrimSpace(parts[len(parts)-1])
		if name == "" || templateSpecial[name] {
			continue
		}
		r := FieldRef{Field: name}
		for _, f := range parts[:len(parts)-1] {
			switch strings.TrimSpace(f) {
			case "cloze":
				r.Cloze = true
			case "type":
				r.TypeAns = true
			}
		}
		refs = append(refs, r)
	}
	return refs
}
