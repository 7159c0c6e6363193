package data

import (
	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/srs/answer"
)

// CheckAnswer checks a typed answer against the card's key points and says,
// for each key point in the card's order, whether it was covered, and how
// many were. The checker (srs/answer) sees the key points as plain text,
// their Markdown taken away, with the card's own synonyms; the result maps
// back to the key points as written, so coverage is stored and shown by
// the card's own key points.
func (c Card) CheckAnswer(typed string) (marks []bool, covered int) {
	kps := make([]answer.KeyPoint, len(c.KeyPoints))
	for i, kp := range c.KeyPoints {
		kps[i] = answer.KeyPoint{Text: cardtext.PlainText(kp), Synonyms: c.Synonyms[kp]}
	}
	cov := answer.Check(typed, kps)
	// Coverage keeps the card's order and names each key point once, in
	// Covered or Missed; two key points of the same plain text are judged
	// alike, so taking them in order is exact.
	marks = make([]bool, len(kps))
	for i, kp := range kps {
		if covered < len(cov.Covered) && cov.Covered[covered] == kp.Text {
			marks[i] = true
			covered++
		}
	}
	return marks, covered
}

// Coverage is CheckAnswer as the key points covered and missed, as written
// on the card; neither is nil.
func (c Card) Coverage(typed string) (covered, missed []string) {
	marks, _ := c.CheckAnswer(typed)
	covered, missed = []string{}, []string{}
	for i, kp := range c.KeyPoints {
		if marks[i] {
			covered = append(covered, kp)
		} else {
			missed = append(missed, kp)
		}
	}
	return covered, missed
}
