package cardtable

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/category"
	"github.com/flashcards/flashcards/data/draft"
)

// csvCard is the part of a draft a table test compares.
type csvCard struct {
	front, back, category string
	keyPoints             []string
	source                string
}

func csvShort(ds []draft.Card) []csvCard {
	var out []csvCard
	for _, d := range ds {
		out = append(out, csvCard{d.Front, d.Back, d.Category, d.KeyPoints, d.Source})
	}
	return out
}

func TestParseCardTable(t *testing.T) {
	for _, tc := range []struct {
		name, file, doc string
		want            []csvCard
	}{
		{
			name: "header, category as slug, name and empty; key points",
			file: "cards.csv",
			doc: "Front,Back,Category,Key points\n" +
				"What is recall?,Share of positives found,accuracy-only,sensitivity; found positives\n" +
				"What is drift?,Inputs changing over time,Ignoring Deployment,\n" +
				"What is a join?,Combining tables,,\n" +
				"What is a CTE?,A named subquery,SQL & Databases\n",
			want: []csvCard{
				{"What is recall?", "Share of positives found", "accuracy-only", []string{"sensitivity", "found positives"}, "cards.csv line 2"},
				{"What is drift?", "Inputs changing over time", "ignoring-deployment", nil, "cards.csv line 3"},
				{"What is a join?", "Combining tables", "uncategorized", nil, "cards.csv line 4"},
				{"What is a CTE?", "A named subquery", "sql-databases", nil, "cards.csv line 5"},
			},
		},
		{
			name: "no header, two columns, RFC 4180 quoting over lines",
			file: "cards.csv",
			doc:  "\"Name two metrics, please\",\"Precision\nRecall\"\n\"Say \"\"hi\"\"\",hi\n",
			want: []csvCard{
				{"Name two metrics, please", "Precision\nRecall", "uncategorized", nil, "cards.csv line 1"},
				{"Say \"hi\"", "hi", "uncategorized", nil, "cards.csv line 3"},
			},
		},
		{
			name: "header in another order with other names",
			file: "cards.csv",
			doc:  "key_points,Answer,Question,Tags\nx;y,B1,F1,data-quality extra\n",
			want: []csvCard{{"F1", "B1", "data-quality", []string{"x", "y"}, "cards.csv line 2"}},
		},
		{
			name: "TSV by name, commas are text",
			file: "cards.tsv",
			doc:  "Why, really?\tBecause, that's why.\tno-trade-offs\n",
			want: []csvCard{{"Why, really?", "Because, that's why.", "no-trade-offs", nil, "cards.tsv line 1"}},
		},
		{
			name: "tab in the first line, whatever the name",
			file: "",
			doc:  "Front\tBack\nA, B?\tC, D.\n",
			want: []csvCard{{"A, B?", "C, D.", "uncategorized", nil, "line 2"}},
		},
		{
			name: "Anki export with header lines, HTML and a tags column",
			file: "deck.txt",
			doc: "#separator:tab\n#html:true\n#notetype column:1\n#tags column:4\n" +
				"Basic\tWhat is <b>F1</b>?\tHarmonic mean<br>of precision &amp; recall\tml::metrics interview\n",
			want: []csvCard{{"What is F1?", "Harmonic mean\nof precision & recall", "ml-metrics", nil, "deck.txt line 5"}},
		},
		{
			name: "Anki columns line names the columns",
			file: "deck.txt",
			doc:  "#separator:Semicolon\n#columns:Back;Front\nAn answer;A question\n",
			want: []csvCard{{"A question", "An answer", "uncategorized", nil, "deck.txt line 3"}},
		},
		{
			name: "HTML stays as typed without #html:true",
			file: "cards.csv",
			doc:  "\ufeffa<b>,c &amp; d\r\n",
			want: []csvCard{{"a<b>", "c &amp; d", "uncategorized", nil, "cards.csv line 1"}},
		},
		{
			name: "repeated rows import once",
			file: "cards.csv",
			doc:  "Q,A\nWhy?,Because.\n WHY? , because. \nWhy?,Other.\n",
			want: []csvCard{
				{"Why?", "Because.", "uncategorized", nil, "cards.csv line 2"},
				{"Why?", "Other.", "uncategorized", nil, "cards.csv line 4"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if s := csvShort(got); !reflect.DeepEqual(s, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", s, tc.want)
			}
			keyRe := regexp.MustCompile(`^csv:[0-9a-f]{32}$`)
			for _, d := range got {
				if !keyRe.MatchString(d.Key) {
					t.Errorf("key %q", d.Key)
				}
			}
		})
	}
}

// The key follows the card's words, not its row or file, so re-importing
// an edited export updates instead of duplicating.
func TestParseCardTableKeys(t *testing.T) {
	a, _ := Parse([]byte("Why?,Because.\nHow?,Like so.\n"), "a.csv")
	b, _ := Parse([]byte("New?\tRow.\n how? \tlike  so.\n"), "b.tsv")
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("got %d and %d drafts", len(a), len(b))
	}
	if a[1].Key != b[1].Key {
		t.Error("the same card in another file and row got another key")
	}
	if a[0].Key == a[1].Key {
		t.Error("different cards share a key")
	}
}

func TestParseCardTableErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		lines     []int
		msgs      []string
		good      int
	}{
		{"one column", "Front,Back\nonly a front\nA,B\n", []int{2}, []string{"found 1 column"}, 1},
		{"empty front", "A,B\n ,B2\n", []int{2}, []string{"empty front"}, 1},
		{"empty back", "A,B\nA2,\"\"\n", []int{2}, []string{"empty back"}, 1},
		{"empty both", "A,B\n,\n", []int{2}, []string{"empty front and back"}, 1},
		{"line numbers count Anki header lines and quoted line breaks", "#separator:comma\n\"A\nmore\",B\nlonely\n", []int{4}, []string{"1 column"}, 1},
		{"bad quote stops the import", "A,B\nC,\"D\nE,F\n", []int{2}, []string{"rows after it were not read"}, 1},
		{"quote inside a bare field", "A,B\nC,D\"x\n", []int{2}, []string{"rows after it were not read"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc), "cards.csv")
			var pe draft.ParseErrors
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want draft.ParseErrors", err)
			}
			if len(pe) != len(tc.lines) {
				t.Fatalf("got %v, want %d errors", err, len(tc.lines))
			}
			for i, e := range pe {
				if e.Line != tc.lines[i] || !strings.Contains(e.Msg, tc.msgs[i]) {
					t.Errorf("error %q, want line %d with %q", e.Error(), tc.lines[i], tc.msgs[i])
				}
			}
			if len(got) != tc.good {
				t.Errorf("got %d good drafts, want %d", len(got), tc.good)
			}
		})
	}
}

// A table the CSV reader cannot read is reported on the line where the
// user can fix it, in words that say how, and nothing of it is stored.
func TestCardTableReadErrorsNameTheLineToFix(t *testing.T) {
	const unclosed = `a quoted field starts here and its closing quote is missing; close it with " (a quote inside a quoted field is written ""); rows after it were not read`
	for _, tc := range []struct {
		name, file, doc string
		line            int
		msg             string
	}{
		{"unclosed quote runs to the end of the file", "cards.csv",
			"front,back\nWhat is a B-tree?,\"A balanced tree\nWhat is a heap?,A priority queue\nWhat is a trie?,A prefix tree\n",
			2, unclosed},
		{"unclosed quote stopped by a later quoted field", "cards.csv",
			"front,back\nWhat is a B-tree?,\"A balanced tree\nWhat is a heap?,\"A priority queue\"\n",
			2, unclosed},
		{"the quoted field opens after a field that spans lines", "cards.csv",
			"front,back\n\"Two\nlines\",\"He said \"hi\" to me\"\n",
			3, unclosed},
		{"Anki header lines count", "cards.csv",
			"#separator:comma\nfront,back\nA,B\nC,\"D\nE,F\n",
			4, unclosed},
		{"quote inside a field that is not quoted", "cards.csv",
			"front,back\nA,B\nWhy?,The 12\" ruler\n",
			3, `a quote at column 12 is inside a field that does not start with a quote; put the whole field in quotes and double the quote (""); rows after it were not read`},
		{"the column counts characters, not bytes", "cards.csv",
			"front,back\nOù?,Le 12\" règle\n",
			2, `a quote at column 10 is inside a field that does not start with a quote; put the whole field in quotes and double the quote (""); rows after it were not read`},
		{"more fields than the header", "cards.csv",
			"front,back,category\nA,B,c\nB,C,d\nC,D,e\nWhat is 1,000?,A thousand,maths\n",
			5, "this row has 4 fields where the header has 3; put a field that holds a comma in quotes"},
		{"more fields than the header, tab-separated", "cards.tsv",
			"front\tback\nA\tB\tC\n",
			2, "this row has 3 fields where the header has 2; put a field that holds a tab in quotes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), tc.file)
			var pe draft.ParseErrors
			if !errors.As(err, &pe) || len(pe) != 1 {
				t.Fatalf("error %v, want one ParseError", err)
			}
			if pe[0].Line != tc.line || pe[0].Msg != tc.msg {
				t.Errorf("got  %q\nwant %q", pe[0].Error(), draft.ParseError{Line: tc.line, Msg: tc.msg}.Error())
			}
		})
	}
	// Separators after the last field are no extra fields; rows with
	// fewer fields than the header are read as before.
	got, err := Parse([]byte("front,back,category\nA,B,c,\nC,D\n"), "cards.csv")
	if err != nil || len(got) != 2 {
		t.Errorf("trailing separator and short row: %d drafts, %v", len(got), err)
	}
}

func TestParseCardTableSentinels(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  []byte
		want error
	}{
		{"empty", nil, draft.ErrEmpty},
		{"blank", []byte(" \r\n\n"), draft.ErrEmpty},
		{"invalid UTF-8", []byte("a,b\nc,\xc3\x28\n"), draft.ErrNotUTF8},
		{"too large", bytes.Repeat([]byte("a,b\n"), draft.MaxTableBytes/4+1), draft.ErrTooLarge},
		{"header only", []byte("front,back,category\n"), draft.ErrNoQA},
		{"Anki header lines only", []byte("#separator:tab\n#html:false\n"), draft.ErrNoQA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.doc, "x.csv")
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	_, err := Parse([]byte("a,b\nc,\xc3\x28\n"), "x.csv")
	var r *draft.Refusal
	if !errors.As(err, &r) || !errors.Is(err, draft.ErrNotUTF8) || len(r.Problems) != 1 || r.Problems[0].Line != 2 {
		t.Errorf("invalid UTF-8 error %v does not name line 2", err)
	}
}

func csvBigTable(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("front,back,category,key points\n")
	for i := range rows {
		// Short rows: 100k of them fit even under MaxDocumentBytes.
		fmt.Fprintf(&b, "Q%d?,\"A, %d\",Data quality,a; b\n", i, i)
	}
	return b.Bytes()
}

func BenchmarkParseCardTable100k(b *testing.B) {
	doc := csvBigTable(100_000)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		ds, err := Parse(doc, "big.csv")
		if err != nil || len(ds) != 100_000 {
			b.Fatalf("got %d drafts, %v", len(ds), err)
		}
	}
}

func FuzzParseCardTable(f *testing.F) {
	f.Add([]byte("Front,Back,Category,Key points\nWhy?,Because.,Data Quality,a; b\n"), "cards.csv")
	f.Add([]byte("#separator:tab\n#html:true\n#tags column:3\nA<br>\tB &amp;\tx::y\n"), "deck.txt")
	f.Add([]byte("\"a\nb\",\"c\"\"d\"\nbad\n"), "")
	f.Add([]byte("front,back\n\"Two\nlines\",\"He said \"hi\" to me\"\n"), "q.csv")
	f.Add([]byte("#separator:semicolon\nfront;back\nA;B\"\u00e9\nC;D;E\n"), "q.csv")
	f.Fuzz(func(t *testing.T, doc []byte, name string) {
		ds, err := Parse(doc, name)
		var pe draft.ParseErrors
		if err != nil && !errors.As(err, &pe) && ds != nil {
			t.Fatalf("document-level error %v came with drafts", err)
		}
		lines := 1 + bytes.Count(doc, []byte("\n")) + bytes.Count(doc, []byte("\r"))
		for _, e := range pe {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("bad line in %+v", e)
			}
		}
		keys := map[string]bool{}
		for _, d := range ds {
			if strings.TrimSpace(d.Front) == "" || strings.TrimSpace(d.Back) == "" {
				t.Fatalf("empty side in %+v", d)
			}
			if !category.ValidSlug(d.Category) {
				t.Fatalf("invalid category in %+v", d)
			}
			if keys[d.Key] {
				t.Fatalf("repeated key in %+v", d)
			}
			keys[d.Key] = true
			for _, s := range append([]string{d.Front, d.Back, d.Source}, d.KeyPoints...) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
		}
	})
}

// A tags column fills the drafts' tags: split on spaces as Anki writes
// them, its "::" levels written "/" (issue 19). Without a category column
// the first tag still names the category.
func TestParseCardTableTags(t *testing.T) {
	for _, tc := range []struct {
		name, file, doc string
		tags            [][]string
		categories      []string
	}{
		{"header column, any case, beside a category", "cards.csv",
			"front,back,category,TAGS\nF1,B1,data-quality,company::acme  round::onsite::day-1\nF2,B2,,\n",
			[][]string{{"company/acme", "round/onsite/day-1"}, nil}, []string{"data-quality", "uncategorized"}},
		{"a tags column before the category column", "cards.csv",
			"tags,front,back,category\nx y,F1,B1,Data quality\n",
			[][]string{{"x", "y"}}, []string{"data-quality"}},
		{"header column without a category column", "cards.tsv",
			"Question\tAnswer\tTag\nF1\tB1\tml::metrics interview\n",
			[][]string{{"ml/metrics", "interview"}}, []string{"ml-metrics"}},
		{"Anki's #tags column line", "deck.txt",
			"#separator:tab\n#html:true\n#notetype column:1\n#tags column:4\nBasic\tF1\tB1\tml::metrics interview\n",
			[][]string{{"ml/metrics", "interview"}}, []string{"ml-metrics"}},
		{"Anki's #tags column line under a header row", "deck.txt",
			"#separator:tab\n#tags column:3\nfront\tback\tlabels\nF1\tB1\tleetcode::arrays\n",
			[][]string{{"leetcode/arrays"}}, []string{"uncategorized"}},
		{"no tags column", "cards.csv", "front,back\nF1,B1\n", [][]string{nil}, []string{"uncategorized"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var tags [][]string
			var cats []string
			for _, d := range got {
				tags, cats = append(tags, d.Tags), append(cats, d.Category)
			}
			if !reflect.DeepEqual(tags, tc.tags) || !reflect.DeepEqual(cats, tc.categories) {
				t.Errorf("tags %q, categories %q; want %q, %q", tags, cats, tc.tags, tc.categories)
			}
		})
	}
}

// The column mapping knows the tags column: the layout finds it, and a
// mapping chosen in the preview puts it where the person said.
func TestCardTableMappingTags(t *testing.T) {
	doc := []byte("front,back,category,tags\nF1,B1,c,a::b c\n")
	l, err := ReadLayout(doc, "cards.csv")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Mapping{Front: 0, Back: 1, Category: 2, KeyPoints: -1, Tags: 3, Header: true}); l.Mapping != want {
		t.Errorf("layout mapping %+v, want %+v", l.Mapping, want)
	}
	for _, tc := range []struct {
		tags int
		want []string
	}{{3, []string{"a/b", "c"}}, {2, []string{"c"}}, {-1, nil}} {
		m := l.Mapping
		m.Tags = tc.tags
		got, err := ParseWith(doc, "cards.csv", Options{Columns: &m})
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0].Tags, tc.want) {
			t.Errorf("tags column %d: %+v, %v; want tags %q", tc.tags, got, err, tc.want)
		}
	}
	bad := l.Mapping
	bad.Tags = 4
	var r *draft.Refusal
	if err := bad.Check(len(l.Columns)); !errors.As(err, &r) || r.Message != "Choose one of the table's columns, or none" {
		t.Errorf("a tags column past the table: %v", err)
	}
	if err := l.Mapping.Check(len(l.Columns)); err != nil {
		t.Errorf("the layout's own mapping: %v", err)
	}
}
