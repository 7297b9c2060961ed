#pragma once
// The widgets report errors one way: Expected (core/util/expected.h), as the core does. These
// two helpers cross between it and Qt's text: an error's message for a dialog or the status
// bar, and a sentence the widgets word (already translated) as an error.

#include "core/util/expected.h"

#include <QString>

namespace coinfer {

/// The message of @p result's error as Qt text; empty on success. O(message length).
template<class T> QString errorText(const Expected<T>& result)
{
    return result ? QString() : QString::fromStdString(result.error().message);
}

/// An error whose message is @p message, for `return failure(tr("..."));`.
inline Unexpected<Error> failure(const QString& message, ErrorCode code = ErrorCode::BadInput)
{
    return Unexpected(Error{code, message.toStdString()});
}

} // namespace coinfer
