/**
 * Numbers from <linux/ip_vs.h>, in kernel order (the enums are positional: a gap would shift every
 * later value). Only the generic-netlink interface is mirrored; the old setsockopt ABI is not used.
 *
 * Wire layout of one IPVS request (all integers host order unless marked BE):
 *
 *   nlmsghdr { len, type = IPVS family id (dynamic), flags, seq, pid }
 *   genlmsghdr { cmd = IPVS_CMD_*, version = 1, reserved }
 *   IPVS_CMD_ATTR_SERVICE (nested)          IPVS_CMD_ATTR_DEST (nested)
 *     AF u16 | PROTOCOL u16 | ADDR 16B        ADDR 16B | PORT u16 BE | FWD_METHOD u32 | WEIGHT u32
 *     PORT u16 BE | FWMARK u32                U_THRESH u32 | L_THRESH u32 | ADDR_FAMILY u16
 *     SCHED_NAME "wrr\0" | FLAGS {u32,u32}    TUN_TYPE u8 | TUN_PORT u16 BE | TUN_FLAGS u16
 *     TIMEOUT u32 | NETMASK u32
 */

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;
/** Kernel IPVS version 1.2.1, as GET_INFO reports it and `ipvsadm -Ln` prints it. */
export const IP_VS_VERSION_CODE = 0x010201;

// Address families and protocols as the kernel numbers them.
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** Service flags (IPVS_SVC_ATTR_FLAGS.flags). */
export const IP_VS_SVC_F_PERSISTENT = 0x0001; // persistent port (set iff a persistence timeout is used)
export const IP_VS_SVC_F_HASHED = 0x0002; // kernel-internal: "is in the hash table", reported by dumps
export const IP_VS_SVC_F_ONEPACKET = 0x0004; // one-packet scheduling (UDP `ops`)
export const IP_VS_SVC_F_SCHED1 = 0x0008; // scheduler flag 1
export const IP_VS_SVC_F_SCHED2 = 0x0010; // scheduler flag 2
export const IP_VS_SVC_F_SCHED3 = 0x0020; // scheduler flag 3
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = IP_VS_SVC_F_SCHED1; // sh: fall back when the dest is unavailable
export const IP_VS_SVC_F_SCHED_SH_PORT = IP_VS_SVC_F_SCHED2; // sh: hash the source port too
export const IP_VS_SVC_F_SCHED_MH_FALLBACK = IP_VS_SVC_F_SCHED1; // mh: same meaning as for sh
export const IP_VS_SVC_F_SCHED_MH_PORT = IP_VS_SVC_F_SCHED2;

/** Destination flags (reported only). */
export const IP_VS_DEST_F_AVAILABLE = 0x0001;
export const IP_VS_DEST_F_OVERLOAD = 0x0002;

/** Sync daemon states (IPVS_DAEMON_ATTR_STATE). */
export const IP_VS_STATE_NONE = 0x0000;
export const IP_VS_STATE_MASTER = 0x0001;
export const IP_VS_STATE_BACKUP = 0x0002;

/** Forwarding methods: the low bits of the connection flags (IPVS_DEST_ATTR_FWD_METHOD). */
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IP_VS_CONN_F_MASQ = 0x0000; // NAT
export const IP_VS_CONN_F_LOCALNODE = 0x0001; // the real server is this host
export const IP_VS_CONN_F_TUNNEL = 0x0002; // IP-in-IP / GUE / GRE
export const IP_VS_CONN_F_DROUTE = 0x0003; // direct routing

/** Tunnel encapsulation types (IPVS_DEST_ATTR_TUN_TYPE), Linux ≥ 5.2. */
export const IP_VS_CONN_F_TUNNEL_TYPE_IPIP = 0;
export const IP_VS_CONN_F_TUNNEL_TYPE_GUE = 1;
export const IP_VS_CONN_F_TUNNEL_TYPE_GRE = 2;

/** Tunnel encapsulation flags (IPVS_DEST_ATTR_TUN_FLAGS); NOCSUM is the absence of the others. */
export const IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM = 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_CSUM = 1 << 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM = 1 << 1;

export const IP_VS_SCHEDNAME_MAXLEN = 16; // including the NUL
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;

/** Commands (genlmsghdr.cmd). */
export const IPVS_CMD_UNSPEC = 0;
export const IPVS_CMD_NEW_SERVICE = 1;
export const IPVS_CMD_SET_SERVICE = 2;
export const IPVS_CMD_DEL_SERVICE = 3;
export const IPVS_CMD_GET_SERVICE = 4; // dump (or one, keyed)
export const IPVS_CMD_NEW_DEST = 5;
export const IPVS_CMD_SET_DEST = 6;
export const IPVS_CMD_DEL_DEST = 7;
export const IPVS_CMD_GET_DEST = 8; // dump, keyed by a service
export const IPVS_CMD_NEW_DAEMON = 9;
export const IPVS_CMD_DEL_DAEMON = 10;
export const IPVS_CMD_GET_DAEMON = 11;
export const IPVS_CMD_SET_CONFIG = 12; // connection timeouts
export const IPVS_CMD_GET_CONFIG = 13;
export const IPVS_CMD_SET_INFO = 14; // unused by the kernel
export const IPVS_CMD_GET_INFO = 15; // version + connection table size
export const IPVS_CMD_ZERO = 16; // zero counters
export const IPVS_CMD_FLUSH = 17; // delete every service

/** Top-level attributes of a command. */
export const IPVS_CMD_ATTR_UNSPEC = 0;
export const IPVS_CMD_ATTR_SERVICE = 1; // nested IPVS_SVC_ATTR_*
export const IPVS_CMD_ATTR_DEST = 2; // nested IPVS_DEST_ATTR_*
export const IPVS_CMD_ATTR_DAEMON = 3; // nested IPVS_DAEMON_ATTR_*
export const IPVS_CMD_ATTR_TIMEOUT_TCP = 4; // u32 seconds
export const IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5; // u32 seconds
export const IPVS_CMD_ATTR_TIMEOUT_UDP = 6; // u32 seconds

/** Service attributes. */
export const IPVS_SVC_ATTR_UNSPEC = 0;
export const IPVS_SVC_ATTR_AF = 1; // u16
export const IPVS_SVC_ATTR_PROTOCOL = 2; // u16
export const IPVS_SVC_ATTR_ADDR = 3; // nf_inet_addr, 16 bytes (IPv4 in the first 4)
export const IPVS_SVC_ATTR_PORT = 4; // u16, network byte order
export const IPVS_SVC_ATTR_FWMARK = 5; // u32
export const IPVS_SVC_ATTR_SCHED_NAME = 6; // NUL-terminated string
export const IPVS_SVC_ATTR_FLAGS = 7; // struct ip_vs_flags { u32 flags; u32 mask }
export const IPVS_SVC_ATTR_TIMEOUT = 8; // u32 persistence seconds
export const IPVS_SVC_ATTR_NETMASK = 9; // u32: IPv4 mask (network order bytes as u32), IPv6 prefix length
export const IPVS_SVC_ATTR_STATS = 10; // nested IPVS_STATS_ATTR_* (32-bit counters)
export const IPVS_SVC_ATTR_PE_NAME = 11; // persistence engine ("sip")
export const IPVS_SVC_ATTR_STATS64 = 12; // nested IPVS_STATS_ATTR_* (all u64)

/** Destination attributes. */
export const IPVS_DEST_ATTR_UNSPEC = 0;
export const IPVS_DEST_ATTR_ADDR = 1; // nf_inet_addr, 16 bytes
export const IPVS_DEST_ATTR_PORT = 2; // u16, network byte order
export const IPVS_DEST_ATTR_FWD_METHOD = 3; // u32 IP_VS_CONN_F_*
export const IPVS_DEST_ATTR_WEIGHT = 4; // u32 (kernel takes it as int ≥ 0)
export const IPVS_DEST_ATTR_U_THRESH = 5; // u32 upper connection threshold (0 = none)
export const IPVS_DEST_ATTR_L_THRESH = 6; // u32 lower connection threshold
export const IPVS_DEST_ATTR_ACTIVE_CONNS = 7; // u32, reported
export const IPVS_DEST_ATTR_INACT_CONNS = 8; // u32, reported
export const IPVS_DEST_ATTR_PERSIST_CONNS = 9; // u32, reported
export const IPVS_DEST_ATTR_STATS = 10; // nested, reported
export const IPVS_DEST_ATTR_ADDR_FAMILY = 11; // u16 (may differ from the service's for TUN)
export const IPVS_DEST_ATTR_STATS64 = 12; // nested, reported
export const IPVS_DEST_ATTR_TUN_TYPE = 13; // u8 IP_VS_CONN_F_TUNNEL_TYPE_*
export const IPVS_DEST_ATTR_TUN_PORT = 14; // u16, network byte order (GUE)
export const IPVS_DEST_ATTR_TUN_FLAGS = 15; // u16 IP_VS_TUNNEL_ENCAP_FLAG_*

/** Sync daemon attributes. */
export const IPVS_DAEMON_ATTR_UNSPEC = 0;
export const IPVS_DAEMON_ATTR_STATE = 1; // u32 IP_VS_STATE_MASTER | BACKUP
export const IPVS_DAEMON_ATTR_MCAST_IFN = 2; // NUL-terminated interface name
export const IPVS_DAEMON_ATTR_SYNC_ID = 3; // u32 syncid
export const IPVS_DAEMON_ATTR_SYNC_MAXLEN = 4; // u16 max sync message size
export const IPVS_DAEMON_ATTR_MCAST_GROUP = 5; // IPv4 group, 4 bytes network order
export const IPVS_DAEMON_ATTR_MCAST_GROUP6 = 6; // IPv6 group, 16 bytes
export const IPVS_DAEMON_ATTR_MCAST_PORT = 7; // u16, host order (default 8848)
export const IPVS_DAEMON_ATTR_MCAST_TTL = 8; // u8

/** Statistics attributes (inside *_ATTR_STATS and *_ATTR_STATS64). */
export const IPVS_STATS_ATTR_UNSPEC = 0;
export const IPVS_STATS_ATTR_CONNS = 1;
export const IPVS_STATS_ATTR_INPKTS = 2;
export const IPVS_STATS_ATTR_OUTPKTS = 3;
export const IPVS_STATS_ATTR_INBYTES = 4;
export const IPVS_STATS_ATTR_OUTBYTES = 5;
export const IPVS_STATS_ATTR_CPS = 6;
export const IPVS_STATS_ATTR_INPPS = 7;
export const IPVS_STATS_ATTR_OUTPPS = 8;
export const IPVS_STATS_ATTR_INBPS = 9;
export const IPVS_STATS_ATTR_OUTBPS = 10;
export const IPVS_STATS_ATTR_PAD = 11;

/** GET_INFO reply attributes. */
export const IPVS_INFO_ATTR_UNSPEC = 0;
export const IPVS_INFO_ATTR_VERSION = 1; // u32 IP_VS_VERSION_CODE
export const IPVS_INFO_ATTR_CONN_TAB_SIZE = 2; // u32

/** Schedulers the kernel ships (ip_vs_<name>.ko). */
export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;
