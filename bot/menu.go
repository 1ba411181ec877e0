package bot

import (
	"context"
	"slices"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/shenava/shenava/core"
)

// menuKey is the bot record (in the prefs space, beside the managers'
// numeric keys) of the private chats the bot gave a menu button to, so
// that a manager taken off the list, or every manager when the button is
// turned off, gets the default back.
const menuKey = "menu_button"

type menuRec struct {
	URL   string  `json:"url"`
	Chats []int64 `json:"chats"`
}

// setMenuButtons gives each manager's private chat a menu button opening
// the web inbox as a Mini App (Config.MiniAppURL), in the manager's
// language, and takes it back from chats that should no longer have it.
// Failures cost only the button: they are logged, and a chat whose reset
// failed is tried again at the next start.
func (b *Bot) setMenuButtons(ctx context.Context) {
	var prev menuRec
	if _, err := b.recs.getRec(ctx, core.SpacePrefs, menuKey, &prev); err != nil {
		b.logger.Warn("could not read which chats have a menu button", "error", err)
	}
	url := b.cfg.MiniAppURL
	if url == "" && len(prev.Chats) == 0 {
		return
	}
	next := menuRec{URL: url}
	var ids []int64
	if url != "" {
		for id := range b.managers {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	for _, id := range ids {
		if err := b.setMenuButton(ctx, id); err != nil {
			b.logger.Warn("could not set the menu button", "manager", b.managers[id].Name, "error", err)
			if !slices.Contains(prev.Chats, id) {
				continue
			}
		}
		next.Chats = append(next.Chats, id)
	}
	for _, id := range prev.Chats {
		if slices.Contains(ids, id) {
			continue
		}
		err := b.api.setChatMenuButton(ctx, &tgbot.SetChatMenuButtonParams{ChatID: id,
			MenuButton: models.MenuButtonDefault{Type: models.MenuButtonTypeDefault}})
		if err != nil {
			b.logger.Warn("could not take the menu button back", "chat", id, "error", err)
			next.Chats = append(next.Chats, id)
		}
	}
	if next.URL == prev.URL && slices.Equal(next.Chats, prev.Chats) {
		return
	}
	if err := b.recs.putRec(ctx, core.SpacePrefs, menuKey, next); err != nil {
		b.logger.Warn("could not record which chats have a menu button", "error", err)
	}
}

// setMenuButton sets one manager's menu button, labelled in their
// language; without Config.MiniAppURL it does nothing.
func (b *Bot) setMenuButton(ctx context.Context, managerID int64) error {
	if b.cfg.MiniAppURL == "" {
		return nil
	}
	lang := b.recs.lang(ctx, managerID)
	return b.api.setChatMenuButton(ctx, &tgbot.SetChatMenuButtonParams{ChatID: managerID,
		MenuButton: models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: msg(lang, "menu.inbox"),
			WebApp: models.WebAppInfo{URL: b.cfg.MiniAppURL}}})
}
