// SPDX-License-Identifier: GPL-2.0
// Physical memory for module/pgtable.c's tests: table pages live in host memory behind fake
// physical addresses, so that descriptors never hold host pointers.
#ifndef AVCPU_FAKE_TABLES_H
#define AVCPU_FAKE_TABLES_H

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>

extern "C" {
#include "pgtable.h"
}

class FakeMemory
{
public:
	FakeMemory()
	{
		mm_.alloc_table = [](void *ctx, u64 *pa) -> void * {
			return static_cast<FakeMemory *>(ctx)->alloc(pa);
		};
		mm_.free_table = [](void *ctx, void *table) {
			static_cast<FakeMemory *>(ctx)->free(table);
		};
		mm_.phys_to_virt = [](void *ctx, u64 pa) -> void * {
			return static_cast<FakeMemory *>(ctx)->pages_.at(pa);
		};
		mm_.ctx = this;
	}
	~FakeMemory()
	{
		for (auto &[pa, page] : pages_)
			std::free(page);
	}
	FakeMemory(const FakeMemory &) = delete;
	FakeMemory &operator=(const FakeMemory &) = delete;

	const avcpu_pgt_mm *mm() const { return &mm_; }
	size_t live() const { return pages_.size(); }
	// The next n allocations succeed, the ones after fail (-1: all succeed).
	void fail_after(int n) { fail_after_ = n; }
	// Every table freed from now on must map nothing any more.
	void expect_empty_frees() { expect_empty_ = true; }

private:
	static constexpr u64 kPage = 4096;

	void *alloc(u64 *pa)
	{
		if (fail_after_ == 0)
			return nullptr;
		if (fail_after_ > 0)
			fail_after_--;
		void *page = std::aligned_alloc(kPage, kPage);
		std::memset(page, 0, kPage);
		*pa = next_pa_;
		next_pa_ += kPage;
		pages_[*pa] = page;
		return page;
	}
	void free(void *table)
	{
		for (auto it = pages_.begin(); it != pages_.end(); ++it) {
			if (it->second != table)
				continue;
			for (u64 i = 0; expect_empty_ && i < AVCPU_PTRS_PER_TABLE; i++)
				EXPECT_EQ(0u, static_cast<u64 *>(table)[i])
					<< "freed a table that still maps something";
			std::free(table);
			pages_.erase(it);
			return;
		}
		ADD_FAILURE() << "freed a table that was never allocated";
	}

	avcpu_pgt_mm mm_{};
	std::map<u64, void *> pages_;
	u64 next_pa_ = 0x80000000;
	int fail_after_ = -1;
	bool expect_empty_ = false;
};

#endif // AVCPU_FAKE_TABLES_H
