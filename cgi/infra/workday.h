/*
 * workday.h - China's working-day calendar (工作日), for dates such as
 * "冻结款项将于 YYYY-MM-DD 前原路返回" that are N working days away.
 *
 * A day is a working day when the year's calendar says so; otherwise
 * Monday to Friday are working days and Saturday and Sunday are not.
 * Each year's calendar comes from the State Council General Office's
 * yearly notice (国务院办公厅关于20XX年部分节假日安排的通知): the days
 * off (放假, including the weekdays moved into a holiday by 调休) and the
 * make-up working days (调休上班, weekend days that are working days).
 * The calendars are HDF files, one year per file, in the folder named by
 * Calendar.Path (default PKGDATADIR/holidays); see tucai.hdf(5) and
 * etc/holidays/cn-2026.hdf for the format.
 *
 * All dates are China dates (UTC+8, no daylight saving since 1991) given
 * as year, month (1-12) and day; years 1900 to 9999.
 *
 * The tables are filled once at start-up and only read afterwards, so
 * lookups need no lock; do not call workday_load while other threads
 * look dates up.
 */
#ifndef TUCAI_WORKDAY_H
#define TUCAI_WORKDAY_H

#include <stddef.h>
#include <time.h>

/* Most years that can be loaded at once. */
#define WORKDAY_MAXYEARS	64

/*
 * Load the calendars from path: a folder (every "*.hdf" in it, in name
 * order) or a single file.  Everything is checked before anything is
 * kept: on any error the calendars loaded before stay as they were, the
 * reason is logged (log_warn) and kept for workday_error(), and -1 is
 * returned.  Returns 0 on success, replacing all loaded calendars.
 */
int		 workday_load(const char *path);

/* workday_load(conf_str("Calendar.Path", PKGDATADIR "/holidays")). */
int		 workday_init(void);

/* Forget every loaded calendar (weekends only from then on). */
void		 workday_clear(void);

/* Why the last workday_load failed ("" when it did not). */
const char	*workday_error(void);

/* 1 if the calendar of year y is loaded, else 0. */
int		 workday_has_year(int y);

/*
 * 1 if y-m-d is a working day, 0 if not, -1 if it is not a date.  A year
 * without a calendar counts Monday to Friday as working days.
 */
int		 workday_is_workday(int y, int m, int d);

/*
 * The date n working days after y-m-d (the day itself not counted, so
 * n = 0 gives y-m-d back) into *oy, *om, *od.  n is 0 to 1000.
 * Returns 0 when every day counted had its year's calendar; 1 when a
 * year needed had none, so its days were counted by weekends only and
 * the result may come too early: the caller should say so (log it, and
 * not promise the date to the day); -1 when y-m-d is not a date or n is
 * out of range (the outputs are then left alone).
 */
int		 workday_add(int y, int m, int d, int n, int *oy, int *om,
		    int *od);

/*
 * The China date (UTC+8) of the instant t.  Returns 0, or -1 when the
 * date falls outside years 1900 to 9999.
 */
int		 workday_cn_date(time_t t, int *y, int *m, int *d);

/*
 * Write y-m-d as "YYYY-MM-DD" into out (11 bytes with the NUL).  Returns
 * 0, or -1 with out set to "" when y-m-d is not a date.
 */
int		 workday_format(int y, int m, int d, char out[11]);

/*
 * The refund deadline: the China date of now plus n working days, as
 * "YYYY-MM-DD" in out.  Returns what workday_add returns (0, 1 for the
 * weekends-only fallback, -1 with out set to "").
 */
int		 workday_deadline(time_t now, int n, char out[11]);

/*
 * Warn (log_warn) about missing calendars and return how many are
 * missing: the current China year always, and the next one from
 * 1 November on, when the notice for it is usually out (the 2025 notice
 * was dated 2024-11-12, the 2026 one 2025-11-04); before then nobody
 * could add it.  For start-up and "tucai sweep".
 */
int		 workday_check(time_t now);

#endif
