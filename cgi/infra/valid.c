/*
 * valid.c - field validators.  Every value is checked for length, valid
 * UTF-8 and control characters before its type-specific rule.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infra/lang.h"
#include "infra/text.h"
#include "infra/valid.h"

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int
valid_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31,29,31,30,31,30,31,31,30,31,30,31 };
	int	 i, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < 2000 || *y > 2100 || *m < 1 || *m > 12 || *d < 1)
		return -1;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	if (*d > mdays[*m - 1] || (*m == 2 && !leap && *d > 28))
		return -1;
	return 0;
}

int
valid_time(const char *s, int *h, int *mi)
{

	if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	*h = atoi(s);
	*mi = atoi(s + 3);
	return (*h > 23 || *mi > 59) ? -1 : 0;
}

int
valid_money(const char *s, long long *fen)
{
	long long	 y = 0;
	int		 digits = 0, dec = 0, cents = 0;

	for (; isdigit((unsigned char)*s); s++) {
		if (++digits > 7)
			return -1;
		y = y * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++) {
			if (++dec > 2)
				return -1;
			cents = cents * 10 + (*s - '0');
		}
		if (dec == 0)
			return -1;
		if (dec == 1)
			cents *= 10;
	}
	if (*s != '\0')
		return -1;
	*fen = y * 100 + cents;
	return 0;
}

/* No C0 controls (but \n and \t when lines), no DEL. */
static int
clean(const char *s, int lines)
{

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == 0x7f)
			return 0;
		if (c < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t')))
			return 0;
	}
	return 1;
}

const char *
valid_field(const struct field *f, char *raw, struct fval *fv)
{
	char		*v, *end;
	int		 a, b, c, text;
	long long	 n;
	size_t		 len;

	v = (f->type == FT_RAW) ? raw : trim(raw);
	len = strlen(v);
	fv->s = v;
	if (len == 0)
		return (f->flags & F_REQ) ? L("Lang.Field.Valid.Required") : NULL;
	/* Text is limited in characters, as the utf8mb4 columns it goes to
	 * count them (a name of 64 characters of 𠮷 is 256 bytes); other
	 * types are ASCII, where both are the same. */
	text = f->type == FT_TEXT || f->type == FT_LINES;
	if (f->max > 0 && len > (text ? UTF8_BUF((size_t)f->max) - 1 : f->max))
		return L("Lang.Field.Valid.TooLong");
	if (!utf8_valid(v, len))
		return L("Lang.Field.Valid.BadChars");
	if (text && f->max > 0 && utf8_chars(v) > f->max)
		return L("Lang.Field.Valid.TooLong");
	/* Text shown to others (names, messages, answers) carries no
	 * character that reorders or hides what is around it. */
	if (text && utf8_has_format_control(v))
		return L("Lang.Field.Valid.BadChars");
	switch (f->type) {
	case FT_INT:
		if (len > 15)
			return L("Lang.Field.Valid.Number");
		for (a = 0; v[a] != '\0'; a++)
			if (!isdigit((unsigned char)v[a]))
				return L("Lang.Field.Valid.Number");
		n = strtoll(v, &end, 10);
		fv->i = n;
		break;
	case FT_TEXT:
		if (!clean(v, 0))
			return L("Lang.Field.Valid.BadChars");
		break;
	case FT_LINES:
		if (!clean(v, 1))
			return L("Lang.Field.Valid.BadChars");
		break;
	case FT_RAW:
		if (!clean(v, 0))
			return L("Lang.Field.Valid.BadChars");
		break;
	case FT_CODE:
		for (a = 0; v[a] != '\0'; a++)
			if (!isalnum((unsigned char)v[a]) && v[a] != '-' &&
			    v[a] != '_' && v[a] != '.')
				return L("Lang.Field.Valid.Code");
		break;
	case FT_DATE:
		if (valid_date(v, &a, &b, &c) != 0)
			return L("Lang.Field.Valid.Date");
		break;
	case FT_TIME:
		if (valid_time(v, &a, &b) != 0)
			return L("Lang.Field.Valid.Time");
		break;
	case FT_MONEY:
		if (valid_money(v, &fv->i) != 0)
			return L("Lang.Field.Valid.Money");
		break;
	case FT_BOOL:
		if (strcmp(v, "1") != 0 && strcmp(v, "on") != 0)
			return L("Lang.Field.Valid.Bool");
		fv->i = 1;
		break;
	case FT_FILE:
		break;
	default:
		abort();
	}
	fv->set = 1;
	return NULL;
}
