package qadoc

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A saved web page is its article plus the site around it: menus, share
// buttons, related posts, comments. pageContent keeps the article. It does
// what a readability library does for this purpose, in a few rules, rather
// than take one on: codeberg.org/readeck/go-readability/v2 resolves and
// works, but brings four more modules (a charset detector unchanged since
// 2021, a date parser) and the x/text encoding tables for a reader that
// only accepts UTF-8, and its scoring is tuned for prose articles, while
// the shapes below already ignore whatever is not a question and answer.

// pageContent parses a saved page and returns its main content.
func pageContent(src string) *contentRoot {
	doc, err := html.Parse(strings.NewReader(markPageLines(src)))
	if err != nil {
		return &contentRoot{node: &html.Node{Type: html.ElementNode, Data: "body"}}
	}
	body := findElement(doc, "body")
	if body == nil {
		body = doc
	}
	dropBoilerplate(body)
	root := &contentRoot{node: body}
	var articles []*html.Node
	var main *html.Node
	walkElements(body, func(n *html.Node) bool {
		switch {
		case n.DataAtom == atom.Article:
			articles = append(articles, n)
			return false // an article inside an article is part of it
		case main == nil && (n.DataAtom == atom.Main || attr(n, "role") == "main"):
			main = n
		}
		return true
	})
	if len(articles) > 0 {
		root.candidates = append(root.candidates, commonAncestor(articles))
	}
	if main != nil {
		root.candidates = append(root.candidates, main)
	}
	return root
}

// pageLineTags are the start tags that get a line comment before them.
var pageLineTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.P: true, atom.Li: true, atom.Details: true, atom.Summary: true, atom.Tr: true,
	atom.Dt: true, atom.Dd: true, atom.Pre: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
	atom.Blockquote: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Strong: true, atom.B: true,
}

// markPageLines writes a line comment before each block's start tag, so
// the parsed tree still knows the lines of the file.
func markPageLines(src string) string {
	var b strings.Builder
	b.Grow(len(src) + len(src)/8)
	z := html.NewTokenizer(strings.NewReader(src))
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt == html.StartTagToken {
			name, _ := z.TagName()
			if pageLineTags[atom.Lookup(name)] {
				b.WriteString("<!--" + lineComment + strconv.Itoa(line) + "-->")
			}
		}
		b.Write(raw)
		line += strings.Count(string(raw), "\n")
	}
	return b.String()
}

// pageDropped are elements that never hold an article's text.
var pageDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Math: true, atom.Form: true, atom.Button: true, atom.Input: true, atom.Select: true,
	atom.Textarea: true, atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Dialog: true, atom.Head: true, atom.Title: true,
}

// pageBoilerplate matches the class and id words sites give to what
// surrounds an article.
var pageBoilerplate = regexp.MustCompile(`(?i)(?:^|[-_\s])(?:comments?|sidebar|related|share|sharing|social|cookies?|consent|newsletter|subscribe|breadcrumbs?|menu|navbar|nav|footer|masthead|advert|ads|promo|popup|modal|banner|widget|toc|table-of-contents)(?:$|[-_\s])`)

// pageBoilerplateRoles are ARIA landmarks outside an article.
var pageBoilerplateRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true, "search": true, "dialog": true,
}

func dropBoilerplate(root *html.Node) {
	var drop []*html.Node
	var walk func(n *html.Node, inArticle bool, depth int)
	walk = func(n *html.Node, inArticle bool, depth int) {
		if depth > maxDepth*4 {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if isBoilerplate(c, inArticle) {
				drop = append(drop, c)
				continue
			}
			walk(c, inArticle || c.DataAtom == atom.Article || c.DataAtom == atom.Main, depth+1)
		}
	}
	walk(root, false, 0)
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
}

func isBoilerplate(n *html.Node, inArticle bool) bool {
	if pageDropped[n.DataAtom] {
		return true
	}
	if n.DataAtom == atom.Header && !inArticle {
		return true
	}
	if _, hidden := attrOK(n, "hidden"); hidden || attr(n, "aria-hidden") == "true" {
		return true
	}
	if pageBoilerplateRoles[attr(n, "role")] {
		return true
	}
	switch n.DataAtom {
	case atom.Article, atom.Main, atom.Body, atom.Details, atom.Summary:
		return false
	}
	return pageBoilerplate.MatchString(attr(n, "class")) || pageBoilerplate.MatchString(attr(n, "id"))
}

func commonAncestor(nodes []*html.Node) *html.Node {
	var chain []*html.Node // the first node and its ancestors, nearest first
	for p := nodes[0]; p != nil; p = p.Parent {
		chain = append(chain, p)
	}
	common := 0
	for _, n := range nodes[1:] {
		for p := n; p != nil; p = p.Parent {
			if i := slices.Index(chain, p); i >= 0 {
				common = max(common, i)
				break
			}
		}
	}
	return chain[common]
}

// walkElements calls f on every element under n in document order;
// f returns false to skip the element's children.
func walkElements(n *html.Node, f func(*html.Node) bool) {
	walkElementsDepth(n, f, 0)
}

func walkElementsDepth(n *html.Node, f func(*html.Node) bool, depth int) {
	if depth > maxDepth*4 {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && !f(c) {
			continue
		}
		walkElementsDepth(c, f, depth+1)
	}
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return strings.TrimSpace(a.Val), true
		}
	}
	return "", false
}
