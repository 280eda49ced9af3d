/*
 * outcome.c - the one table of outcomes: HTTP status and Chinese message
 * (see outcome.h).
 */
#include <stddef.h>

#include "domain/booking.h"
#include "infra/db.h"
#include "domain/outcome.h"
#include "domain/pay.h"

static const struct {
	int		 status;
	const char	*msg;
} table[OC__MAX] = {
	[OC_OK] = { 200, NULL },
	[OC_DB_DOWN] = { 503, "数据库暂时无法连接，您的操作没有保存，请稍后重试。" },
	[OC_DB_BUSY] = { 503, "系统繁忙，您的操作没有保存，请稍后重试。" },
	[OC_DB_ERROR] = { 500, NULL },
	[OC_DB_DUP] = { 409, "该记录已存在" },
	[OC_DB_CHECK] = { 409, "暂时无法完成该操作，请刷新后重试" },
	[OC_SEAT_FULL] = { 409, "该时段已约满，请选择其他时段" },
	[OC_SEAT_BAD] = { 422, "所选时段不可预约，请重新选择" },
	[OC_BOOKING_ACTIVE] = { 409, "您已有一个有效预约" },
	[OC_BOOKING_STATE] = { 409, "预约状态已变化，请刷新后查看" },
	[OC_CLOSE_EARLY] = { 409, "采集期未结束，不能结束任务" },
	[OC_CLOSE_CHECKEDIN] = { 409,
	    "仍有已签到但未上传照片的学生，不能结束任务" },
	[OC_PAY_NOT_PAYABLE] = { 409, "该订单无需支付" },
	[OC_PAY_PROVIDER] = { 503, "支付服务暂时无法连接，请稍后重试；如仍不能"
	    "完成预约，可在拍摄现场找工作人员现场预约。" },
};

enum outcome
oc_db(int rc)
{

	switch (rc) {
	case 0:
		return OC_OK;
	case DB_RETRY:
		return OC_DB_BUSY;
	case DB_DUP:
		return OC_DB_DUP;
	case DB_CHECK:
		return OC_DB_CHECK;
	default:
		if (rc > 0)
			return OC_OK;
		return db_lost() ? OC_DB_DOWN : OC_DB_ERROR;
	}
}

enum outcome
oc_booking(int rc)
{

	switch (rc) {
	case BK_FULL:
		return OC_SEAT_FULL;
	case BK_BADSLOT:
		return OC_SEAT_BAD;
	case BK_ACTIVE:
		return OC_BOOKING_ACTIVE;
	case BK_STATE:
		return OC_BOOKING_STATE;
	case BK_EARLY:
		return OC_CLOSE_EARLY;
	case BK_CHECKEDIN:
		return OC_CLOSE_CHECKEDIN;
	case BK_PROVIDER:
		return OC_PAY_PROVIDER;
	default:
		return oc_db(rc);
	}
}

enum outcome
oc_pay(int rc)
{

	switch (rc) {
	case PAY_NOT_PAYABLE:
		return OC_PAY_NOT_PAYABLE;
	case PAY_PROVIDER:
		return OC_PAY_PROVIDER;
	default:
		return oc_db(rc);
	}
}

int
oc_status(enum outcome o)
{

	return o >= 0 && o < OC__MAX ? table[o].status : 500;
}

const char *
oc_message(enum outcome o)
{

	return o >= 0 && o < OC__MAX ? table[o].msg : NULL;
}
