#pragma once
// CSV as RFC 4180 writes it, for every CSV reader and writer of Coinfer (arrival traces, sweep
// results, the per-user table of a plan), so that quoting, a byte order mark and formula
// prefixes are handled one way everywhere.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// @p text without a leading UTF-8 byte order mark (EF BB BF), which spreadsheet programs write
/// when they save "CSV UTF-8". O(1).
std::string_view withoutUtf8Bom(std::string_view text);

/// Reads one CSV record that starts at @p pos into @p fields: fields are separated by commas;
/// a quote opens a quoted part in which commas and line breaks are text and "" is one quote. A
/// '\r' outside quotes is dropped, so CRLF files read as LF ones. Moves @p pos past the record's
/// line end (or to the end of @p text) and adds to @p lineBreaks the line breaks the record took
/// (1, or more for a quoted line break; 0 on the last line without one).
/// Returns false when a quote is not closed before the end of @p text. O(record length).
bool readCsvRecord(std::string_view text, size_t& pos, std::vector<std::string>& fields, long long& lineBreaks);

/// @p value as one CSV field: quoted, with its quotes doubled, when it holds a comma, a quote or
/// a line break; as it is otherwise. O(length).
std::string csvField(std::string_view value);

/// @p value as one CSV field of text a user chose (an id), safe to open in a spreadsheet: a value
/// that starts with '=', '+', '-', '@', a tab or a carriage return (what a spreadsheet takes for
/// a formula) gets a single quote in front and is quoted, as OWASP advises against CSV
/// injection; other values as csvField. The quote stays in the text: a reader gets "'=1+2".
/// O(length).
std::string csvTextField(std::string_view value);

} // namespace coinfer
