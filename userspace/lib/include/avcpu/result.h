// SPDX-License-Identifier: GPL-2.0
// Results of operations on /dev/avcpu: a value, or the errno and the operation that failed.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace avcpu
{

// What went wrong: which operation, and the errno it returned.
struct Error {
	std::string_view operation;
	int error = 0;

	std::string message() const { return std::string(operation) + ": " + std::strerror(error); }
};

// A value or an Error. The library never throws and never exits: callers decide.
template <typename T> class [[nodiscard]] Result
{
public:
	Result(T value) : state_(std::move(value)) {}
	Result(Error error) : state_(error) {}

	bool ok() const { return std::holds_alternative<T>(state_); }
	explicit operator bool() const { return ok(); }

	T &value() & { return std::get<T>(state_); }
	T &&value() && { return std::get<T>(std::move(state_)); }
	const T &value() const & { return std::get<T>(state_); }
	const Error &error() const { return std::get<Error>(state_); }

	T value_or(T fallback) const { return ok() ? std::get<T>(state_) : fallback; }

private:
	std::variant<T, Error> state_;
};

// An operation that returns nothing on success.
class [[nodiscard]] Status
{
public:
	Status() = default;
	Status(Error error) : error_(error) {}

	bool ok() const { return error_.error == 0; }
	explicit operator bool() const { return ok(); }
	const Error &error() const { return error_; }

private:
	Error error_{};
};

// Builds an Error from errno right after a failed system call.
inline Error last_error(std::string_view operation)
{
	return Error{operation, errno};
}

} // namespace avcpu
