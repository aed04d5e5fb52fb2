// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "../../../contracts/reward/IRewardToken.sol";

/// @title VoucherDigests
/// @notice The EIP-712 digest of a RewardToken voucher, computed independently of the token for any chain id and
/// verifying contract, so tests can sign vouchers for the right domain and for wrong ones.
library VoucherDigests {
    /// @notice The token's EIP-712 domain name.
    string internal constant DOMAIN_NAME = "dCRM RewardToken";
    /// @notice The token's EIP-712 domain version.
    string internal constant DOMAIN_VERSION = "1";

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant VOUCHER_TYPEHASH = keccak256(
        "RewardVoucher(address shopper,uint256 amount,address storefront,uint256 orderId,uint256 deadline)"
    );

    /// @notice The digest a storefront signs for `voucher` in the domain of `verifyingContract` on `chainId`.
    function digest(IRewardToken.RewardVoucher memory voucher, uint256 chainId, address verifyingContract)
        internal
        pure
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256(bytes(DOMAIN_NAME)),
                keccak256(bytes(DOMAIN_VERSION)),
                chainId,
                verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                VOUCHER_TYPEHASH,
                voucher.shopper,
                voucher.amount,
                voucher.storefront,
                voucher.orderId,
                voucher.deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }
}
