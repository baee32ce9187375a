"""Notifications (提醒): rules per plan, notices in the inbox and on outside channels, the send log."""
