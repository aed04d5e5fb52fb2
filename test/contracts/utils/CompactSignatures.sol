// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CompactSignatures
/// @notice Turns a `(v, r, s)` signature, as `vm.sign` returns it, into the EIP-2098 compact `(r, vs)` form the
/// token takes: `s` with the recovery parity (`v - 27`) in its top bit.
library CompactSignatures {
    /// @notice The compact form of the low-s signature `(v, r, s)`.
    function compact(uint8 v, bytes32 r, bytes32 s) internal pure returns (bytes32, bytes32 vs) {
        require(v == 27 || v == 28, "CompactSignatures: v is not 27 or 28");
        require(uint256(s) >> 255 == 0, "CompactSignatures: s has its top bit set");
        vs = bytes32(uint256(v - 27) << 255 | uint256(s));
        return (r, vs);
    }
}
