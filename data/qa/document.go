package qa

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
	"github.com/flashcards/flashcards/data/qadoc"
)

// cardsFromDocument makes card drafts of the Q&As qadoc found: a card per
// Q&A, its back the answer as written, and a list card when the answer's
// first list has a short phrase per item. A Q&A whose text is longer than
// a card holds is skipped and reported, not the whole document refused.
//
// Category, first that applies: an explicit "Category:" line; for a
// write-up about interview mistakes, a keyword with a strong signal
// (strongKeyword); the section heading above the question, when the
// document has two or more and opts does not ignore them; the fallback;
// uncategorized.
func cardsFromDocument(docName string, d qadoc.Document, opts Options) ([]draft.Card, []Unanswered) {
	docName = strings.ToValidUTF8(docName, "\uFFFD")
	fallback := fallbackSlug(opts.Fallback)
	mistakes := isMistakeWriteUp(d.Outline)
	sections := !opts.IgnoreHeadings && d.Sections >= 2
	set := newDraftSet(len(d.QAs))
	var skipped []Unanswered
	for _, qa := range d.QAs {
		if utf8.RuneCountInString(qa.Question) > draft.MaxTextRunes || utf8.RuneCountInString(qa.Answer) > draft.MaxTextRunes {
			skipped = append(skipped, Unanswered{Line: qa.Line, Question: clipRunes(qa.Question, 200),
				Reason: fmt.Sprintf("longer than the %d characters a card side holds", draft.MaxTextRunes)})
			continue
		}
		slug := category.SlugFor(qa.Category)
		if slug == "" && mistakes {
			slug, _ = strongKeyword(qa.Question, qa.Answer)
		}
		if slug == "" && sections {
			slug = category.SlugFor(qa.Section)
		}
		if slug == "" {
			slug = fallback
		}
		keyPoints := fitKeyPoints(qa.KeyPoints)
		if len(keyPoints) == 0 {
			keyPoints = qaFindPhrases(plainText(qa.Answer))
		}
		source := documentSource(docName, qa.Number, qa.Link)
		set.add(draft.Card{Front: qa.Question, Back: qa.Answer, Category: slug, KeyPoints: keyPoints, Source: source})
		if len(qa.List) >= 2 {
			front := qaListFront(QA{Question: qa.Question, ListIntro: qa.ListIntro, List: qa.List})
			if utf8.RuneCountInString(front) <= draft.MaxTextRunes {
				set.add(draft.Card{Front: front, Back: markdownList(qa.List), Category: slug,
					KeyPoints: fitKeyPoints(qa.ListLeads), Source: source})
			}
		}
	}
	return set.drafts, skipped
}

// documentSource names where a card came from: the file, the question's
// number, and the question's own source link when it has one, within
// what an export may carry back in.
func documentSource(docName string, number int, link string) string {
	source := "Q" + strconv.Itoa(number)
	if docName != "" {
		source = docName + " " + source
	}
	if link != "" && utf8.ValidString(link) && utf8.RuneCountInString(source)+utf8.RuneCountInString(link) < draft.MaxSourceRunes-3 {
		source += " (" + link + ")"
	}
	return source
}

// fitKeyPoints keeps the key points a card may hold.
func fitKeyPoints(kps []string) []string {
	var out []string
	for _, kp := range kps {
		if len(out) < draft.MaxKeyPoints && kp != "" && utf8.RuneCountInString(kp) <= draft.MaxKeyPointRunes {
			out = append(out, kp)
		}
	}
	return out
}

// markdownList writes list items, each maybe several lines, as a list.
func markdownList(items []string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- ")
		b.WriteString(strings.ReplaceAll(it, "\n", "\n  "))
	}
	return b.String()
}

// isMistakeWriteUp reports a document about interview mistakes, like the
// seed: its title, headings, introduction or questions speak of mistakes
// or pitfalls. Only there does the mistake-category keyword map apply.
func isMistakeWriteUp(outline string) bool {
	folded := categoryFoldText(outline)
	for _, w := range []string{"mistake*", "pitfall*"} {
		if at, _ := categoryFind(folded, w); at >= 0 {
			return true
		}
	}
	return false
}

// strongKeyword files a Q&A of a mistake write-up by the keyword map,
// but only on a strong signal: a keyword in the question itself, or in
// the first sentence of the answer, which names the mistake. A keyword
// deeper in an answer is a weak guess, and "uncategorized" beats it.
// Markup is no text: code, link addresses and tags never count.
func strongKeyword(question, answer string) (string, bool) {
	if s, ok := categoryDetectIn(plainText(question)); ok {
		return s, true
	}
	return categoryDetectIn(firstSentence(plainText(answer)))
}

var (
	plainFenceRe = regexp.MustCompile("(?s)```.*?```|~~~.*?~~~")
	plainCodeRe  = regexp.MustCompile("`[^`\n]*`")
	plainLinkRe  = regexp.MustCompile(`!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\([^)\s]*\)`)
	plainTagRe   = regexp.MustCompile(`</?[A-Za-z][^>\n]*>`)
	plainURLRe   = regexp.MustCompile(`https?://\S+`)
)

// plainText is Markdown reduced to the words a reader sees outside code:
// no code, link addresses, tags or emphasis marks.
func plainText(md string) string {
	s := plainFenceRe.ReplaceAllString(md, " ")
	s = plainCodeRe.ReplaceAllString(s, " ")
	s = plainLinkRe.ReplaceAllString(s, "$1")
	s = plainTagRe.ReplaceAllString(s, " ")
	s = plainURLRe.ReplaceAllString(s, " ")
	s = strings.NewReplacer("**", "", "__", "", "~~", "", "\\", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// firstSentence is the text up to the first full stop, question or
// exclamation mark followed by a space.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if strings.ContainsRune(".!?", rune(s[i])) && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
