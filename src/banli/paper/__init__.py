"""Paper that can be signed: the official documents (交办单, 答复函, 办结报告) as PDF and Word on
the office's letterhead, with their 文号."""
