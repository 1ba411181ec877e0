package telegramuser

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gotd/td/telegram/auth"
	"github.com/gotd/td/tg"
)

// Login signs the collector account in interactively: it asks on out for
// the phone number, the code Telegram sends, and the two-step
// verification password when the account has one, reading the answers
// from in. The session is written to the session storage; nothing typed
// is logged. An account that is already signed in is left as it is.
func (c *Collector) Login(ctx context.Context, in io.Reader, out io.Writer) (*tg.User, error) {
	client := c.newClient()
	ask := &prompter{in: bufio.NewReader(in), out: out}
	var self *tg.User
	err := client.Run(ctx, func(ctx context.Context) error {
		flow := auth.NewFlow(ask, auth.SendCodeOptions{})
		if err := client.Auth().IfNecessary(ctx, flow); err != nil {
			return err
		}
		st, err := client.Auth().Status(ctx)
		if err != nil {
			return err
		}
		if !st.Authorized || st.User == nil {
			return ErrNotSignedIn
		}
		self = st.User
		return nil
	})
	if err != nil {
		if errors.Is(err, auth.ErrPasswordInvalid) {
			return nil, errors.New("telegram login: wrong two-step verification password")
		}
		return nil, fmt.Errorf("telegram login: %w", c.wrap(err))
	}
	return self, nil
}

// prompter answers gotd's sign-in flow from a terminal.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

func (p *prompter) line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	s, err := p.in.ReadString('\n')
	s = strings.TrimSpace(s)
	if s == "" && err != nil {
		return "", fmt.Errorf("no answer to %q: %w", strings.TrimSpace(prompt), err)
	}
	return s, nil
}

func (p *prompter) Phone(context.Context) (string, error) {
	return p.line("Phone number of the collector account (international format, +98…): ")
}

func (p *prompter) Password(context.Context) (string, error) {
	return p.line("Two-step verification password: ")
}

func (p *prompter) Code(_ context.Context, _ *tg.AuthSentCode) (string, error) {
	return p.line("The code Telegram sent: ")
}

func (p *prompter) AcceptTermsOfService(context.Context, tg.HelpTermsOfService) error {
	return errors.New("this phone number has no Telegram account: sign it up in a Telegram app first")
}

func (p *prompter) SignUp(context.Context) (auth.UserInfo, error) {
	return auth.UserInfo{}, errors.New("this phone number has no Telegram account: sign it up in a Telegram app first")
}

var _ auth.UserAuthenticator = (*prompter)(nil)
