package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/views"
)

// The categories page: the user's categories and a form for a new one.

func (a *App) categoriesPage(c echo.Context, u data.User) error {
	return a.renderCategories(c, u, http.StatusOK, views.CategoriesView{})
}

func (a *App) renderCategories(c echo.Context, u data.User, status int, v views.CategoriesView) error {
	cats, err := a.store.ListCategories(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	for _, cat := range cats {
		v.Categories = append(v.Categories, views.CategoryRow{Slug: cat.Slug, Name: cat.Name, Description: cat.Description, Builtin: cat.Builtin})
	}
	p := a.page(c, "Categories")
	p.Nav = "cards"
	return a.render(c, status, views.Categories(p, v))
}

func (a *App) createCategory(c echo.Context, u data.User) error {
	name, desc := c.FormValue("name"), c.FormValue("description")
	cat, err := a.store.CreateCategory(c.Request().Context(), u.ID, name, desc)
	if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrConflict) {
		return a.renderCategories(c, u, http.StatusBadRequest, views.CategoriesView{Name: name, Description: desc, Error: userMessage(err)})
	}
	if err != nil {
		return err
	}
	return a.flashTo(c, true, fmt.Sprintf("Category %q added.", cat.Name), "/categories")
}
