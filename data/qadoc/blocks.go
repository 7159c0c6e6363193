package qadoc

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockList
	blockCode
	blockTable
	blockDetails
	blockQuote
	blockRule
	blockOther
)

// block is one block of a document, in reading order: a heading, a
// paragraph, a list... Containers such as <div> are looked through.
type block struct {
	kind  blockKind
	level int          // heading level, 1-6
	node  *html.Node   // the element; nil for loose inline content
	run   []*html.Node // loose inline content with no paragraph around it
}

// first is the node a block starts with, for its line.
func (b block) first() *html.Node {
	if b.node != nil {
		return b.node
	}
	if len(b.run) > 0 {
		return b.run[0]
	}
	return nil
}

func skipSummary(n *html.Node) bool { return n.DataAtom == atom.Summary }

// flatten lists the blocks under n. skip, when not nil, leaves out
// children it returns true for.
func flatten(n *html.Node, skip func(*html.Node) bool) []block {
	var out []block
	flattenInto(n, skip, &out, 0)
	return out
}

func flattenInto(n *html.Node, skip func(*html.Node) bool, out *[]block, depth int) {
	var run []*html.Node
	flush := func() {
		if runHasContent(run) {
			*out = append(*out, block{kind: blockPara, run: run})
		}
		run = nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			run = append(run, c)
			continue
		case html.ElementNode:
		default:
			continue
		}
		if (skip != nil && skip(c)) || silentTags[c.DataAtom] {
			continue
		}
		if !isBlock(c) {
			run = append(run, c)
			continue
		}
		flush()
		switch c.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			level, _ := strconv.Atoi(c.Data[1:])
			*out = append(*out, block{kind: blockHeading, level: level, node: c})
		case atom.P, atom.Summary, atom.Dt, atom.Dd:
			*out = append(*out, block{kind: blockPara, node: c})
		case atom.Ul, atom.Ol, atom.Menu:
			*out = append(*out, block{kind: blockList, node: c})
		case atom.Pre:
			*out = append(*out, block{kind: blockCode, node: c})
		case atom.Table:
			*out = append(*out, block{kind: blockTable, node: c})
		case atom.Details:
			*out = append(*out, block{kind: blockDetails, node: c})
		case atom.Blockquote:
			*out = append(*out, block{kind: blockQuote, node: c})
		case atom.Hr:
			*out = append(*out, block{kind: blockRule, node: c})
		case atom.Dl, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
			*out = append(*out, block{kind: blockOther, node: c})
		default:
			if depth < maxDepth {
				flattenInto(c, skip, out, depth+1)
			}
		}
	}
	flush()
}

// runHasContent reports whether loose inline content shows anything.
func runHasContent(run []*html.Node) bool {
	for _, n := range run {
		if n.Type == html.TextNode {
			if strings.TrimSpace(n.Data) != "" {
				return true
			}
			continue
		}
		if n.DataAtom == atom.Br {
			continue
		}
		if n.DataAtom == atom.Img || strings.TrimSpace(textContent(n)) != "" {
			return true
		}
	}
	return false
}

// lineOf is the source line a node starts on: that of the nearest line
// comment before it in document order. A block's comment sits just
// before it, so the walk back is short.
func lineOf(n *html.Node) int {
	for steps := 0; n != nil && steps < 100_000; steps++ {
		if n.Type == html.CommentNode && strings.HasPrefix(n.Data, lineComment) {
			if l, err := strconv.Atoi(n.Data[len(lineComment):]); err == nil {
				return l
			}
		}
		n = before(n)
	}
	return 0
}

// before is the node before n in document order: the last descendant of
// its previous sibling, or its parent.
func before(n *html.Node) *html.Node {
	if n.PrevSibling == nil {
		return n.Parent
	}
	n = n.PrevSibling
	for n.LastChild != nil {
		n = n.LastChild
	}
	return n
}
