/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf_bench: the one place where the module differs between the kernel
 * lines it supports, 6.12 (LTS) and 7.x (7.2 or later). Everything else in
 * kmod/ is the same source for both. What changed, with 7.3's lines, is in
 * kmod/README.md ("Kernels"); in short:
 *
 *   6.12                                  7.x
 *   MODULE_IMPORT_NS(IOMMUFD_INTERNAL)    MODULE_IMPORT_NS("IOMMUFD_INTERNAL")
 *   iommu_dev_enable_feature(IOPF),       no feature ops: the driver turns IOPF
 *     ops dev_enable/disable_feat           on at the first attach of a domain
 *                                           with an iopf_handler and off at its
 *                                           last detach, under group->mutex
 *   ops->remove_dev_pasid                 the blocked domain's set_dev_pasid
 *   ops->pgsize_bitmap                    domain->pgsize_bitmap
 *   attach_dev(domain, dev)               attach_dev(domain, dev, old)
 *   iommu_paging_domain_alloc exported    an inline over ..._alloc_flags
 *   (no iommu_replace_device_pasid)       iommu_replace_device_pasid
 *                                           (IOMMUFD_INTERNAL)
 */
#ifndef IOPF_BENCH_COMPAT_H
#define IOPF_BENCH_COMPAT_H

#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(8, 0, 0)
#define IOPF_K7 1
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define IOPF_K7 0
#else
#error "iopf_bench supports Linux 6.12 and 7.x (7.2 or later) only; this kernel is neither"
#endif

/* The kernel line, as the results name it. */
#define IOPF_KERNEL_LINE (IOPF_K7 ? "7.x" : "6.12")

/* iommu_attach_group_handle() and friends live in IOMMUFD_INTERNAL. */
#if IOPF_K7
#define IOPF_IMPORT_NS_IOMMUFD_INTERNAL() MODULE_IMPORT_NS("IOMMUFD_INTERNAL")
#else
#define IOPF_IMPORT_NS_IOMMUFD_INTERNAL() MODULE_IMPORT_NS(IOMMUFD_INTERNAL)
#endif

/*
 * attach_dev: 7.x passes the domain being replaced. The mock's attach
 * functions take 7.x's three arguments; on 6.12 a two-argument wrapper
 * passes old = NULL (6.12 does not tell, and its mock needs no old: IOPF is
 * per device there, not per domain).
 */
#if IOPF_K7
#define IOPF_ATTACH_DEV_FN(name, fn)                                             \
	static int name(struct iommu_domain *domain, struct device *dev,         \
			struct iommu_domain *old)                                \
	{                                                                        \
		return fn(domain, dev, old);                                     \
	}
#else
#define IOPF_ATTACH_DEV_FN(name, fn)                                             \
	static int name(struct iommu_domain *domain, struct device *dev)         \
	{                                                                        \
		return fn(domain, dev, NULL);                                    \
	}
#endif

/* Whether IOPF is switched per device (6.12: a feature) or per domain (7.x). */
#define IOPF_PER_DOMAIN IOPF_K7

/* A PASID's domain can be replaced without the blocked domain (7.x). */
#define IOPF_HAVE_REPLACE_PASID IOPF_K7

#if IOPF_K7
int iommu_replace_device_pasid(struct iommu_domain *domain, struct device *dev,
			       ioasid_t pasid, struct iommu_attach_handle *handle);
#endif

#endif /* IOPF_BENCH_COMPAT_H */
