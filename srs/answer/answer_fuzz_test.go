package answer_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/flashcards/flashcards/srs/answer"
)

// hasWord reports whether text has a letter or digit, so that there is
// something to match. Apostrophes, ʼ included, do not count.
func hasWord(text string) bool {
	return strings.IndexFunc(text, func(r rune) bool {
		return (unicode.IsLetter(r) || unicode.IsDigit(r)) && r != 'ʼ'
	}) >= 0
}

func FuzzCheckAnswer(f *testing.F) {
	f.Add("I would use the area under the ROC curve", "ROC-AUC", "precision", "AUC")
	f.Add("PR-AUC and F2", "ROC-AUC", "F1", "F-measure")
	f.Add("trade offs, tradeoffs, trade-offs", "trade-offs", "tradeoffs", "")
	f.Add("the the the the the", "the the x the", "a", "the")
	f.Add("mdoel's overfiting; nulls", "overfitting", "missing values", "model")
	f.Add("", "", "!!!", "   ")
	f.Add("naïve ÜBER straße ﬁ", "über", "strasse", "ﬁ")
	f.Add("f 1 l 2 a/b", "F1", "A/B test", "L2")
	f.Add("\xff\xfe recall", "\xffrecall", "re\u2019call", "don't")
	f.Add("AAAAA", "AAAAAA", "AAAAA", "0") // a sibling key point once stopped a typo match
	f.Add("1", "0", "0 0", "00 ʼ")         // ʼ is a Unicode letter, and once made an empty word
	f.Add("ʼaʼʼbʼ", "ʼ", "a'b", "a’b")
	f.Fuzz(func(t *testing.T, typed, text1, text2, synonym string) {
		points := []answer.KeyPoint{
			{Text: text1},
			{Text: text2, Synonyms: []string{synonym}},
			{Text: text1},
		}
		cov := answer.Check(typed, points)
		if cov.Covered == nil || cov.Missed == nil {
			t.Fatalf("nil slice in %#v", cov)
		}
		// Each point lands in exactly one list, in the card's order, and is
		// judged on its own.
		var wantCovered, wantMissed []string
		for _, p := range points {
			alone := answer.Check(typed, []answer.KeyPoint{p})
			if len(alone.Covered)+len(alone.Missed) != 1 {
				t.Fatalf("one point gave %#v", alone)
			}
			if len(alone.Covered) == 1 {
				wantCovered = append(wantCovered, p.Text)
			} else {
				wantMissed = append(wantMissed, p.Text)
			}
		}
		if !slices.Equal(cov.Covered, wantCovered) || !slices.Equal(cov.Missed, wantMissed) {
			t.Fatalf("Check(%q) = %#v; one at a time: covered %q, missed %q", typed, cov, wantCovered, wantMissed)
		}
		// The key point's own words, and its synonym's, always cover it.
		for _, p := range points {
			if hasWord(p.Text) {
				if c := answer.Check(p.Text, []answer.KeyPoint{p}); len(c.Covered) != 1 {
					t.Fatalf("answer %q does not cover its own text", p.Text)
				}
			}
		}
		if hasWord(synonym) {
			if c := answer.Check(synonym, points[1:2]); len(c.Covered) != 1 {
				t.Fatalf("answer %q does not cover the point it is a synonym of (%q)", synonym, text2)
			}
		}
		if len(answer.Synonyms(text1)) > 0 && !hasWord(text1) {
			t.Fatalf("Synonyms(%q) found an entry for no words", text1)
		}
	})
}

// benchAnswer is 2,000 words of interview prose, repeated, with a typo in
// one word of about a hundred.
func benchAnswer() string {
	words := strings.Fields(`first I would clarify the goal and the constraints with the stakeholders
		then look at the data first for missing values outliers and class imbalance
		because accuracy can mislead on skewed classes so I would report precision recall
		and the area under the ROC curve as well as a calibrated threshold chosen with
		the business team we need a simple baseline model before anything complex and
		a clear train test split by time to avoid leakage of future information into
		training then feature engineering on timestamps and user history with careful
		validation of the pipeline the model has to serve predictions under a strict
		latency budget of fifty milliseconds so gradient boosted trees are a good fit
		regularisation and early stopping keep the variance down while monitoring in
		production watches for drift in the inputs and in the label distribution when
		performance degrades we retrain on fresh data and compare against the baseline
		with an online experiment the tradeoffs between speed and accuracy are explicit
		and I would explain them in plain language to product managers and engineers
		documenting assumptions edge cases and the expected business impact in dollars`)
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range 2000 {
		w := words[i%len(words)]
		if r.IntN(100) == 0 && len(w) > 5 {
			w = w[:2] + w[3:] // drop the third letter
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return b.String()
}

// Ten key points with the deck's synonyms, most of them in the dictionary.
var benchPoints = []answer.KeyPoint{
	{Text: "clarifying questions", Synonyms: []string{"clarify", "clarification", "ask questions", "ask for details"}},
	{Text: "missing values", Synonyms: []string{"missing data", "nulls", "NaN", "gaps", "imputation"}},
	{Text: "class imbalance", Synonyms: []string{"imbalanced data", "imbalanced classes", "rare class", "skewed classes"}},
	{Text: "ROC-AUC", Synonyms: []string{"AUC", "ROC AUC", "AUROC", "area under the ROC curve", "area under the curve"}},
	{Text: "business impact", Synonyms: []string{"business value", "business metrics", "impact on the business"}},
	{Text: "deployment", Synonyms: []string{"deploy", "deploying", "shipping", "put into production", "production"}},
	{Text: "monitoring", Synonyms: []string{"monitor", "monitored", "observability", "tracking drift"}},
	{Text: "trade-offs", Synonyms: []string{"tradeoffs", "trade offs", "pros and cons"}},
	{Text: "data leakage", Synonyms: nil},
	{Text: "hyperparameter tuning", Synonyms: []string{"grid search"}},
}

var sinkCoverage answer.Coverage

func BenchmarkCheckAnswer(b *testing.B) {
	typed := benchAnswer()
	if n := len(strings.Fields(typed)); n != 2000 {
		b.Fatalf("answer has %d words", n)
	}
	for b.Loop() {
		sinkCoverage = answer.Check(typed, benchPoints)
	}
	b.ReportMetric(float64(len(sinkCoverage.Covered)), "covered")
}

// A typical typed answer: a few sentences against one card's key points.
func BenchmarkCheckAnswerShort(b *testing.B) {
	typed := "Accuracy misleads on imbalanced data, so I would look at precison and recall, " +
		"their harmonic mean (F1) and the area under the ROC curve, and tie the threshold to business impact."
	points := []answer.KeyPoint{
		{Text: "precision", Synonyms: []string{"positive predictive value", "PPV"}},
		{Text: "recall", Synonyms: []string{"sensitivity", "true positive rate", "TPR", "hit rate"}},
		{Text: "F1", Synonyms: []string{"F1 score", "F1-score", "F-measure", "F-score"}},
		{Text: "ROC-AUC", Synonyms: []string{"AUC", "ROC AUC", "AUROC", "area under the ROC curve"}},
		{Text: "business impact", Synonyms: []string{"business value", "business metrics"}},
	}
	for b.Loop() {
		sinkCoverage = answer.Check(typed, points)
	}
	b.ReportMetric(float64(len(sinkCoverage.Covered)), "covered")
}
