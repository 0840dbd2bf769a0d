// SPDX-License-Identifier: GPL-2.0
// avcpu-bench's --workload LIST: comma-separated workload names. Pure, host-tested
// (userspace/tests/bench_list_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench
{

// Whether name is one of the comma-separated list's entries.
inline bool listed(std::string_view list, std::string_view name)
{
	std::string l = "," + std::string(list) + ",", n = "," + std::string(name) + ",";
	return l.find(n) != std::string::npos;
}

// The first entry of the list that is not one of known (an empty one included), or
// nothing when every one is; an empty list has no entries.
inline std::optional<std::string> unknown_entry(std::string_view list,
						const std::vector<std::string_view> &known)
{
	if (list.empty())
		return std::nullopt;
	size_t at = 0;
	for (;;) {
		size_t end = list.find(',', at);
		std::string_view entry = list.substr(at, end == list.npos ? list.npos : end - at);
		bool found = false;
		for (auto k : known)
			found |= entry == k;
		if (!found)
			return std::string(entry);
		if (end == list.npos)
			return std::nullopt;
		at = end + 1;
	}
}

} // namespace bench
