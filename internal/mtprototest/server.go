// Package mtprototest is an in-process Telegram MTProto server for tests:
// gotd's tgtest with the methods Shenava's collector account calls
// registered (sign-in with a code and a two-step password checked with
// real SRP, contacts.resolveUsername, messages.getHistory and
// messages.searchGlobal over a set of public channels).
package mtprototest

import (
	"bytes"
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
	"github.com/gotd/td/tgtest"
	"github.com/gotd/td/tgtest/cluster"
	"go.uber.org/zap"
)

// The account and application the server knows.
const (
	Phone    = "+989121234567"
	Code     = "12345"
	Password = "correct horse"
	APIID    = 17349
	APIHash  = "344583e45741c457fe1862106095a5eb"
)

// Self is the collector account.
var Self = &tg.User{ID: 7001, AccessHash: 71, Username: "shenava_collector", FirstName: "Collector", Self: true}

// Server is an in-process MTProto server (gotd's tgtest) with the
// methods the collector calls registered: sign-in with a code and a
// two-step verification password (real SRP), contacts.resolveUsername,
// messages.getHistory and messages.searchGlobal over a set of public
// channels.
type Server struct {
	t       *testing.T
	cluster *cluster.Cluster

	mu       sync.Mutex
	signedIn bool
	channels map[string]*channel // by username
	users    []*tg.User
	// faults answer the next calls of a method (by TL type ID) with an
	// error or a wrong result, in order.
	faults map[uint32][]func(s *tgtest.Server, req *tgtest.Request) error
	calls  map[uint32]int
	srp    srpServer
	// search answers messages.searchGlobal per query: messages newest
	// first over every channel.
	search map[string][]*tg.Message
}

type channel struct {
	ch   *tg.Channel
	msgs []*tg.Message // ascending IDs
}

// New starts a server for the test; it stops when the test ends.
func New(t *testing.T) *Server {
	f := &Server{t: t, channels: map[string]*channel{}, faults: map[uint32][]func(*tgtest.Server, *tgtest.Request) error{},
		calls: map[uint32]int{}, search: map[string][]*tg.Message{}, srp: newSRPServer(t, Password)}
	f.cluster = cluster.NewCluster(cluster.Options{})
	d := f.cluster.Dispatch(2, "dc2")
	for id, h := range map[uint32]func(*tgtest.Server, *tgtest.Request) error{
		tg.UsersGetUsersRequestTypeID:           f.getUsers,
		tg.AuthSendCodeRequestTypeID:            f.sendCode,
		tg.AuthSignInRequestTypeID:              f.signIn,
		tg.AccountGetPasswordRequestTypeID:      f.getPassword,
		tg.AuthCheckPasswordRequestTypeID:       f.checkPassword,
		tg.ContactsResolveUsernameRequestTypeID: f.resolveUsername,
		tg.MessagesGetHistoryRequestTypeID:      f.getHistory,
		tg.MessagesSearchGlobalRequestTypeID:    f.searchGlobal,
	} {
		d.HandleFunc(id, f.counted(id, h))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.cluster.Up(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-f.cluster.Ready():
	case err := <-done:
		t.Fatalf("tgtest cluster: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("tgtest cluster did not start")
	}
	return f
}

func (f *Server) counted(id uint32, h func(*tgtest.Server, *tgtest.Request) error) func(*tgtest.Server, *tgtest.Request) error {
	return func(s *tgtest.Server, req *tgtest.Request) error {
		f.mu.Lock()
		f.calls[id]++
		var fault func(*tgtest.Server, *tgtest.Request) error
		if fs := f.faults[id]; len(fs) > 0 {
			fault, f.faults[id] = fs[0], fs[1:]
		}
		f.mu.Unlock()
		var err error
		if fault != nil {
			err = fault(s, req)
		} else {
			err = h(s, req)
		}
		if err != nil {
			f.t.Logf("fake telegram: handler %#x: %v", id, err)
		}
		return err
	}
}

// Fault answers the next call of a method (by TL type ID) with h.
func (f *Server) Fault(id uint32, h func(*tgtest.Server, *tgtest.Request) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[id] = append(f.faults[id], h)
}

// Count is how many calls of a method (by TL type ID) came.
func (f *Server) Count(id uint32) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// FloodWait answers with FLOOD_WAIT_n.
func FloodWait(n string) func(*tgtest.Server, *tgtest.Request) error {
	return func(s *tgtest.Server, req *tgtest.Request) error {
		return s.SendErr(req, tgerr.New(420, "FLOOD_WAIT_"+n))
	}
}

// WrongType answers with a TL object of another type than the method's.
func WrongType(s *tgtest.Server, req *tgtest.Request) error {
	return s.SendResult(req, &tg.HelpSupport{PhoneNumber: "+42", User: &tg.UserEmpty{ID: 1}})
}

// AddChannel adds a public channel.
func (f *Server) AddChannel(id int64, username, title string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := &tg.Channel{ID: id, AccessHash: id * 7, Username: username, Title: title, Broadcast: true,
		Photo: &tg.ChatPhotoEmpty{}, Date: 1700000000}
	ch.SetAccessHash(ch.AccessHash)
	ch.SetUsername(username)
	ch.SetFlags()
	f.channels[username] = &channel{ch: ch}
}

// Post adds a message to a channel; from is 0 for a channel post.
func (f *Server) Post(username string, text string, at time.Time, from int64) *tg.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.channels[username]
	m := &tg.Message{ID: len(c.msgs) + 1, PeerID: &tg.PeerChannel{ChannelID: c.ch.ID}, Date: int(at.Unix()), Message: text,
		Views: 1200, Forwards: 30}
	if from != 0 {
		m.FromID = &tg.PeerUser{UserID: from}
		m.SetFromID(m.FromID)
	}
	m.SetViews(m.Views)
	m.SetForwards(m.Forwards)
	m.SetFlags()
	c.msgs = append(c.msgs, m)
	return m
}

func (f *Server) chats() []tg.ChatClass {
	var out []tg.ChatClass
	for _, c := range f.channels {
		out = append(out, c.ch)
	}
	return out
}

func (f *Server) usersList() []tg.UserClass {
	var out []tg.UserClass
	for _, u := range f.users {
		out = append(out, u)
	}
	return out
}

func decode[T interface{ Decode(*bin.Buffer) error }](t *testing.T, req *tgtest.Request, v T) T {
	if err := v.Decode(req.Buf); err != nil {
		t.Errorf("decode request: %v", err)
	}
	return v
}

func (f *Server) getUsers(s *tgtest.Server, req *tgtest.Request) error {
	f.mu.Lock()
	in := f.signedIn
	f.mu.Unlock()
	if !in {
		return s.SendErr(req, tgerr.New(401, "AUTH_KEY_UNREGISTERED"))
	}
	return s.SendVector(req, Self)
}

func (f *Server) sendCode(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.AuthSendCodeRequest{})
	if r.PhoneNumber != Phone || r.APIID != APIID || r.APIHash != APIHash {
		f.t.Errorf("auth.sendCode(%q, %d, %q)", r.PhoneNumber, r.APIID, r.APIHash)
		return s.SendErr(req, tgerr.New(400, "PHONE_NUMBER_INVALID"))
	}
	return s.SendResult(req, &tg.AuthSentCode{Type: &tg.AuthSentCodeTypeApp{Length: 5}, PhoneCodeHash: "code-hash"})
}

func (f *Server) signIn(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.AuthSignInRequest{})
	if r.PhoneNumber != Phone || r.PhoneCodeHash != "code-hash" || r.PhoneCode != Code {
		return s.SendErr(req, tgerr.New(400, "PHONE_CODE_INVALID"))
	}
	return s.SendErr(req, tgerr.New(401, "SESSION_PASSWORD_NEEDED"))
}

func (f *Server) getPassword(s *tgtest.Server, req *tgtest.Request) error {
	return s.SendResult(req, f.srp.accountPassword())
}

func (f *Server) checkPassword(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.AuthCheckPasswordRequest{})
	in, ok := r.Password.(*tg.InputCheckPasswordSRP)
	if !ok || !f.srp.verify(in) {
		return s.SendErr(req, tgerr.New(400, "PASSWORD_HASH_INVALID"))
	}
	f.mu.Lock()
	f.signedIn = true
	f.mu.Unlock()
	return s.SendResult(req, &tg.AuthAuthorization{User: Self})
}

func (f *Server) resolveUsername(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.ContactsResolveUsernameRequest{})
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.channels[r.Username]
	if !ok {
		return s.SendErr(req, tgerr.New(400, "USERNAME_NOT_OCCUPIED"))
	}
	return s.SendResult(req, &tg.ContactsResolvedPeer{Peer: &tg.PeerChannel{ChannelID: c.ch.ID}, Chats: []tg.ChatClass{c.ch}, Users: []tg.UserClass{}})
}

// getHistory follows Telegram's paging rules: newest first, at most
// limit, only IDs above min_id; offset_id with a negative add_offset
// reads the messages from offset_id up.
func (f *Server) getHistory(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.MessagesGetHistoryRequest{})
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := r.Peer.(*tg.InputPeerChannel)
	var c *channel
	for _, x := range f.channels {
		if ok && x.ch.ID == p.ChannelID && x.ch.AccessHash == p.AccessHash {
			c = x
		}
	}
	if c == nil {
		return s.SendErr(req, tgerr.New(400, "CHANNEL_INVALID"))
	}
	if r.Limit <= 0 || r.Limit > 100 {
		f.t.Errorf("getHistory limit %d", r.Limit)
	}
	var sel []*tg.Message
	for _, m := range c.msgs {
		if m.ID > r.MinID && (r.AddOffset >= 0 || r.OffsetID == 0 || m.ID >= r.OffsetID) {
			sel = append(sel, m)
		}
	}
	if r.AddOffset < 0 && r.OffsetID > 0 {
		sel = sel[:min(len(sel), -r.AddOffset, r.Limit)] // the oldest ones from offset_id up
	} else if len(sel) > r.Limit {
		sel = sel[len(sel)-r.Limit:] // the newest
	}
	msgs := make([]tg.MessageClass, 0, len(sel))
	for i := len(sel) - 1; i >= 0; i-- {
		msgs = append(msgs, sel[i])
	}
	return s.SendResult(req, &tg.MessagesChannelMessages{Pts: 1, Count: len(c.msgs), Messages: msgs,
		Chats: []tg.ChatClass{c.ch}, Users: f.usersList(), Topics: []tg.ForumTopicClass{}})
}

func (f *Server) searchGlobal(s *tgtest.Server, req *tgtest.Request) error {
	r := decode(f.t, req, &tg.MessagesSearchGlobalRequest{})
	f.mu.Lock()
	defer f.mu.Unlock()
	all := f.search[r.Q] // newest first
	start := 0
	if r.OffsetID != 0 {
		for i, m := range all {
			if m.ID == r.OffsetID && int(m.Date) == r.OffsetRate {
				start = i + 1
			}
		}
	}
	var msgs []tg.MessageClass
	for _, m := range all[start:] {
		if m.Date >= r.MinDate && len(msgs) < r.Limit {
			msgs = append(msgs, m)
		}
	}
	next := 0
	if len(msgs) > 0 {
		next = msgs[len(msgs)-1].(*tg.Message).Date
	}
	return s.SendResult(req, &tg.MessagesMessagesSlice{Count: len(all), NextRate: next, Messages: msgs,
		Chats: f.chats(), Users: f.usersList()})
}

// srpServer is the server side of Telegram's two-step verification
// (SRP-2048 as described in core.telegram.org/api/srp).
type srpServer struct {
	p, g, v, b, B *big.Int
	salt1, salt2  []byte
	id            int64
}

// telegramPrime is the 2048-bit safe prime Telegram uses for SRP.
const telegramPrime = "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F" +
	"48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37" +
	"20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64" +
	"2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4" +
	"A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754" +
	"FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4" +
	"E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F" +
	"0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B"

func h(parts ...[]byte) []byte {
	s := sha256.New()
	for _, p := range parts {
		s.Write(p)
	}
	return s.Sum(nil)
}

func sh(data, salt []byte) []byte { return h(salt, data, salt) }

func pad256(x *big.Int) []byte { return x.FillBytes(make([]byte, 256)) }

func newSRPServer(t *testing.T, password string) srpServer {
	pb, _ := hex.DecodeString(telegramPrime)
	s := srpServer{p: new(big.Int).SetBytes(pb), g: big.NewInt(3), salt1: []byte("client-salt-0123"), salt2: []byte("server-salt-4567"), id: 99}
	ph1 := sh(sh([]byte(password), s.salt1), s.salt2)
	dk, err := pbkdf2.Key(sha512.New, string(ph1), s.salt1, 100000, 64)
	if err != nil {
		t.Fatal(err)
	}
	x := new(big.Int).SetBytes(sh(dk, s.salt2))
	s.v = new(big.Int).Exp(s.g, x, s.p)
	rb := make([]byte, 256)
	rand.Read(rb)
	s.b = new(big.Int).SetBytes(rb)
	k := new(big.Int).SetBytes(h(pad256(s.p), pad256(s.g)))
	s.B = new(big.Int).Mod(new(big.Int).Add(new(big.Int).Mul(k, s.v), new(big.Int).Exp(s.g, s.b, s.p)), s.p)
	return s
}

func (s srpServer) accountPassword() *tg.AccountPassword {
	p := &tg.AccountPassword{HasPassword: true,
		CurrentAlgo: &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
			Salt1: s.salt1, Salt2: s.salt2, G: 3, P: pad256(s.p)},
		SRPB: pad256(s.B), SRPID: s.id,
		NewAlgo: &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
			Salt1: s.salt1, Salt2: s.salt2, G: 3, P: pad256(s.p)},
		NewSecureAlgo: &tg.SecurePasswordKdfAlgoSHA512{Salt: []byte("secure")},
		SecureRandom:  make([]byte, 32),
	}
	p.SetFlags()
	return p
}

func (s srpServer) verify(in *tg.InputCheckPasswordSRP) bool {
	if in.SRPID != s.id {
		return false
	}
	A := new(big.Int).SetBytes(in.A)
	u := new(big.Int).SetBytes(h(pad256(A), pad256(s.B)))
	S := new(big.Int).Exp(new(big.Int).Mod(new(big.Int).Mul(A, new(big.Int).Exp(s.v, u, s.p)), s.p), s.b, s.p)
	K := h(pad256(S))
	hp, hg := h(pad256(s.p)), h(pad256(s.g))
	for i := range hp {
		hp[i] ^= hg[i]
	}
	m1 := h(hp, h(s.salt1), h(s.salt2), pad256(A), pad256(s.B), K)
	return bytes.Equal(m1, in.M1)
}

// AddUser makes a user known (the authors of group messages).
func (f *Server) AddUser(u *tg.User) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users = append(f.users, u)
}

// SetSearch sets what messages.searchGlobal answers for q, newest first.
func (f *Server) SetSearch(q string, msgs []*tg.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.search[q] = msgs
}

// Search returns what messages.searchGlobal answers for q.
func (f *Server) Search(q string) []*tg.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.search[q]
}

// Options are the client options that reach this server.
func (f *Server) Options() telegram.Options {
	return telegram.Options{PublicKeys: f.cluster.Keys(), Resolver: f.cluster.Resolver(), DCList: f.cluster.List(), DC: 2,
		Logger: debugLogger()}
}

// LoginInput is what a person types to sign the account in.
const LoginInput = Phone + "\n" + Code + "\n" + Password + "\n"

func debugLogger() *zap.Logger {
	if os.Getenv("TGDEBUG") == "" {
		return nil
	}
	l, _ := zap.NewDevelopment()
	return l
}
