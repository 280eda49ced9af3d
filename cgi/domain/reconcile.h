/*
 * reconcile.h - reconciliation (对账): tucai's payments against the
 * provider's statement, every mismatch listed and kept.
 *
 * Kinds of mismatch:
 *   amount            the amounts differ (or the captured sum differs)
 *   state             captured on one side, voided or still held on the
 *                     other (the states do not fit together)
 *   only_tucai        a payment the provider does not know
 *   only_ledger       an order of the provider tucai does not know
 *   captured_twice    one booking's fee taken more than once
 *   frozen_cancelled  a hold still frozen for a cancelled booking
 */
#ifndef TUCAI_RECONCILE_H
#define TUCAI_RECONCILE_H

#include <ClearSilver.h>

#include "domain/audit.h"

struct recon_item {
	const char	*kind;		/* one of the kinds above (static) */
	char		 ref[33];	/* the order reference */
	long long	 booking_id;	/* 0 when unknown */
	char		 detail[200];
};

struct recon {
	int			 checked;	/* orders compared */
	int			 failed;	/* the statement could not be had */
	long long		 run_id;	/* the run recorded */
	size_t			 n, cap;
	struct recon_item	*item;
};

/*
 * Compare and record the run (with the actor's name).  day: YYYY-MM-DD
 * (China) for the orders of that day, or NULL for every order.  Returns 0
 * (r->n mismatches), 1 when the provider's statement could not be had
 * (the run is recorded as failed), or a db.h error code.
 */
int		 reconcile(const char *day, const struct actor *,
		    struct recon *r);
void		 reconcile_free(struct recon *);
/* The Chinese name of a kind, for pages. */
const char	*reconcile_label(const char *kind);
/* For the operator's page: Recon.Runs (latest first), the latest run's
 * Recon.Items (with label) and Recon.Totals, and the on-site cash-up
 * Recon.Cashup.  Returns >= 0 or a db.h error code. */
int		 reconcile_hdf(HDF *);
/* Only Recon.Runs (the dashboard's last result). */
int		 reconcile_runs_hdf(HDF *);
/* 1 when no run has been made today (China time), 0, or a db.h code. */
int		 reconcile_due(void);

#endif
