package spotcheck

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SecurityPolicy is the installation's configurable account security: the
// password rules that 等保 2.0 reviewers ask for (length, character
// classes, not the user name, not a recent password) and the idle timeout
// of sessions. It is kept in the settings table and changed by the
// security administrator (PermManageUsers), each change recorded;
// DefaultSecurityPolicy applies until then, and to any field a stored
// policy lacks.
type SecurityPolicy struct {
	PasswordMinLength int // characters
	PasswordClasses   int // how many of upper case, lower case, digit, symbol a password mixes
	PasswordHistory   int // a new password differs from the last N, the current one included; 0 turns this off
	IdleMinutes       int // a session unused this long ends (besides SessionLifetime)
	// KeepInitialPasswords lets accounts use a password an administrator
	// set without changing it first (InitialPassword): for a
	// demonstration or test installation whose logins are published,
	// never for production. The zero value, the default, forces the
	// change.
	KeepInitialPasswords bool
}

// DefaultSecurityPolicy returns the policy of a new installation: 10
// characters of at least 3 classes, not one of the last 5 passwords, 30
// minutes of idleness.
func DefaultSecurityPolicy() SecurityPolicy {
	return SecurityPolicy{PasswordMinLength: 10, PasswordClasses: 3, PasswordHistory: 5, IdleMinutes: 30}
}

// The bounds of a SecurityPolicy: a minimum length below 8 is not
// accepted by 等保 reviewers, and bcrypt reads 72 bytes at most; an idle
// timeout longer than the session lifetime would mean nothing.
const (
	minPasswordLength  = 8
	maxPasswordLength  = 64
	maxPasswordHistory = 24
	minIdleMinutes     = 5
	maxPasswordBytes   = 72 // bcrypt's limit
)

// Validate checks that p lies within the bounds an installation may
// choose.
func (p *SecurityPolicy) Validate() Problems {
	var ps Problems
	check := func(field, label string, v, lo, hi int) {
		if v < lo || v > hi {
			ps.Add(field, label, "应为%d–%d之间的整数", lo, hi)
		}
	}
	check("password_min_length", "密码最小长度", p.PasswordMinLength, minPasswordLength, maxPasswordLength)
	check("password_classes", "字符类别数", p.PasswordClasses, 1, 4)
	check("password_history", "不得重复的历史密码数", p.PasswordHistory, 0, maxPasswordHistory)
	check("idle_minutes", "空闲超时（分钟）", p.IdleMinutes, minIdleMinutes, int(SessionLifetime/time.Minute))
	return ps
}

// IdleTimeout is how long an unused session lasts.
func (p SecurityPolicy) IdleTimeout() time.Duration {
	return time.Duration(p.IdleMinutes) * time.Minute
}

// Describe says the password rules in one Chinese sentence, for the hints
// beside password fields.
func (p SecurityPolicy) Describe() string {
	s := fmt.Sprintf("至少%d个字符，包含大写字母、小写字母、数字、符号中的至少%d类，不能包含用户名", p.PasswordMinLength,
		p.PasswordClasses)
	if p.PasswordHistory > 0 {
		s += fmt.Sprintf("，不能与最近%d次使用过的密码相同", p.PasswordHistory)
	}
	return s
}

// CheckPassword checks a new password of username against p: length,
// character classes and the user name (compared ignoring case). Whether it
// is one of the last PasswordHistory passwords needs their hashes, which
// the store checks. It returns nil or an EINVALID error that says what is
// wrong.
func (p SecurityPolicy) CheckPassword(username, pw string) error {
	if n := utf8.RuneCountInString(pw); n < p.PasswordMinLength {
		return Errorf(EINVALID, "密码至少%d个字符（当前%d个）", p.PasswordMinLength, n)
	}
	if len(pw) > maxPasswordBytes {
		return Errorf(EINVALID, "密码不能超过%d字节", maxPasswordBytes)
	}
	if n := passwordClasses(pw); n < p.PasswordClasses {
		return Errorf(EINVALID, "密码须包含大写字母、小写字母、数字、符号中的至少%d类（当前%d类）", p.PasswordClasses, n)
	}
	if name := strings.ToLower(strings.TrimSpace(username)); name != "" && strings.Contains(strings.ToLower(pw), name) {
		return Errorf(EINVALID, "密码不能包含用户名")
	}
	return nil
}

// passwordClasses counts the classes of characters in pw: upper case,
// lower case, digits, and everything else (symbols, spaces, Chinese).
func passwordClasses(pw string) int {
	var upper, lower, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return upper + lower + digit + other
}

// Sign-in limits. Failed sign-ins of one user name are answered by a
// back-off rather than a lock: after MaxLoginFailures failures the next
// attempt is allowed only LoginDelay after the last one, a delay that
// doubles with every further failure up to LoginBackoffMax. Attempts
// refused during a delay are recorded but not counted and do not extend
// it, so that a stranger cannot keep an account locked by trying again
// and again; a success, or the security administrator's unlock, starts
// the count afresh, and failures older than LoginFailureMemory are
// forgotten. Unknown user names are treated alike, so that the answers
// reveal nothing. One address is also limited, to MaxAddressFailures
// failures within LoginWindow, so that it cannot try many names.
const (
	MaxLoginFailures   = 5
	LoginBackoffBase   = time.Minute
	LoginBackoffMax    = 15 * time.Minute
	LoginFailureMemory = 24 * time.Hour
	MaxAddressFailures = 4 * MaxLoginFailures
	LoginWindow        = 15 * time.Minute
)

// LoginDelay is how long after the last of failures counted failures the
// next attempt of a user name must wait: nothing below MaxLoginFailures,
// then LoginBackoffBase, doubled for each further failure, at most
// LoginBackoffMax.
func LoginDelay(failures int) time.Duration {
	if failures < MaxLoginFailures {
		return 0
	}
	d := LoginBackoffBase
	for i := MaxLoginFailures; i < failures && d < LoginBackoffMax; i++ {
		d *= 2
	}
	return min(d, LoginBackoffMax)
}

// LoginLimit is the sign-in state of one user name: the failures counted
// since the last success or unlock, and until when sign-in is refused
// (zero when it is not).
type LoginLimit struct {
	Username string
	Failures int
	Until    time.Time
}

// LoginRefusedMessage is the message of an attempt refused by the limits,
// with the wait rounded up to whole seconds below a minute and to whole
// minutes above.
func LoginRefusedMessage(wait time.Duration) string {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	s := fmt.Sprintf("%d秒", secs)
	if secs >= 60 {
		s = fmt.Sprintf("%d分钟", (secs+59)/60)
	}
	return "登录失败次数过多，请" + s + "后再试"
}

// API token lifetimes: a token is made for one of TokenLifetimeDays days
// (DefaultTokenDays when none is chosen) and refused once it expires.
var TokenLifetimeDays = []int{30, 90, 180, 365}

// DefaultTokenDays is the lifetime of a token made without a choice.
const DefaultTokenDays = 90

// InitialPassword reports whether the password that setter sets for the
// account username is an initial one, which its owner must replace at
// the next sign-in before doing anything else (等保 2.0: 初始口令首次登录
// 须修改): any password set by someone else — an administrator creating
// the account or resetting its password, the command line — unless the
// policy keeps initial passwords.
func InitialPassword(setter *Principal, username string, p SecurityPolicy) bool {
	return !p.KeepInitialPasswords && (setter == nil || setter.Username != username)
}
