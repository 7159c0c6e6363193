package data

import "github.com/flashcards/flashcards/data/category"

// UncategorizedSlug is the category of a card nothing else claims.
const UncategorizedSlug = category.Uncategorized

// Category is a group of cards sharing one kind of interview mistake
// (see data/category).
type Category = category.Category

// BuiltinCategories returns the twelve built-in categories in deck order.
// UncategorizedSlug is not among them. The slice is a fresh copy.
func BuiltinCategories() []Category { return category.Builtins() }

// ValidSlug reports whether s can name a category (category.ValidSlug).
func ValidSlug(s string) bool { return category.ValidSlug(s) }

// Slugify turns a category name a user typed into a valid slug, or ""
// (category.Slugify).
func Slugify(name string) string { return category.Slugify(name) }
