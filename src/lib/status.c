/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <authlint/status.h>
#include <authlint/version.h>

#include <stdarg.h>
#include <stdio.h>

static const char *const status_names[] = {
#define AL_STATUS_NAME_(name, msg) #name,
	AL_STATUS_LIST(AL_STATUS_NAME_)
#undef AL_STATUS_NAME_
};

static const char *const status_messages[] = {
#define AL_STATUS_MSG_(name, msg) msg,
	AL_STATUS_LIST(AL_STATUS_MSG_)
#undef AL_STATUS_MSG_
};

const char *al_status_name(al_status status)
{
	if ((unsigned)status >= AL_STATUS_COUNT_)
		return "AL_UNKNOWN";
	return status_names[status];
}

const char *al_status_message(al_status status)
{
	if ((unsigned)status >= AL_STATUS_COUNT_)
		return "unknown status";
	return status_messages[status];
}

al_status al_error_set(al_error *err, al_status status, const char *fmt, ...)
{
	if (err == NULL)
		return status;
	err->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

const char *al_version(void)
{
	return AL_VERSION_STRING;
}
