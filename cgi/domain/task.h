/*
 * task.h - a collection task (采集任务) as the student's pages read it.
 */
#ifndef TUCAI_TASK_H
#define TUCAI_TASK_H

#include "domain/bstate.h"
#include "infra/text.h"

struct task {
	long long	 id;
	char		 code[33];
	char		 title[UTF8_BUF(200)];
	long long	 fee_fen;
	int		 require_id_photo;
	char		 notice[UTF8_BUF(8000)];
	int		 is_open;
	char		 first_day[11], last_day[11];	/* YYYY-MM-DD */
	char		 school_name[UTF8_BUF(100)];
	char		 school_code[17];
	char		 contact_name[UTF8_BUF(64)];
	char		 contact_phone[UTF8_BUF(32)];
	char		 seats_sig[80];	/* task_get_seats(): seats.h */
};

/* The task with its school.  1 found, 0 none, or a db.h error code. */
int	 task_get(long long id, struct task *);

/*
 * The same in one round trip with what the slots page needs besides: the
 * signature of the task's seats (SEATS_SIG, seats.h: the kept seat counts
 * are used while it holds) and the student's active booking, as
 * booking_active() reads it (*booking_id 0 and BS_NONE when none).
 */
int	 task_get_seats(long long id, long long student_id, struct task *,
	    long long *booking_id, enum booking_state *);

/*
 * What every student page reads first, in one statement: the live
 * session named by key (of that kind, seen within idle minutes, as
 * http/session.c reads it), its task with its school, and its student's
 * active booking; with seats, the seats' signature too (task_get_seats).
 */
struct task_session {
	long long		 user_id, task_id, student_id, flags, pending;
	long long		 age;		/* seconds since seen */
	char			 wx_openid[65];
	int			 has_task;	/* t was read */
	int			 has_seats;	/* ... with t.seats_sig */
	struct task		 t;
	long long		 booking_id;	/* 0: none active */
	enum booking_state	 state;
};

/* 1 found (the session), 0 none, or a db.h error code. */
int	 task_session_get(const unsigned char key[32], int kind,
	    long long idle, int seats, struct task_session *);

#endif
