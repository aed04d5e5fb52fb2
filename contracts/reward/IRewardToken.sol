// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {ICommonErrors} from "../common/ICommonErrors.sol";

/// @title IRewardToken
/// @notice Loyalty points that storefronts issue per order at checkout and shoppers redeem at checkout.
/// @dev Order numbers are the storefront's own sequential order numbers; each is rewarded at most once, ever.
/// Shared errors (`ZeroAddress`, `ZeroAmount`, `EmptyBatch`, `BatchLengthMismatch`, `SignatureExpired` for an
/// expired voucher) come from `ICommonErrors`. The token is an ERC-20 with metadata and EIP-2612 permits, and its
/// roles are OpenZeppelin's AccessControl: those standard functions are declared by the interfaces it extends.
interface IRewardToken is IERC20Metadata, IERC20Permit, IAccessControl, ICommonErrors {
    /// @notice A reward a storefront signs off-chain and the shopper (or any relayer) submits.
    /// @param shopper Who receives the points.
    /// @param amount How many points (token units).
    /// @param storefront The storefront that signed the voucher, itself or through one of its signer keys
    /// (`IIssuerKeys`); it must hold the issuer role when the voucher is used.
    /// @param orderId The storefront's order number; the voucher is spent with the order.
    /// @param deadline The last timestamp at which the voucher can be used.
    struct RewardVoucher {
        address shopper;
        uint256 amount;
        address storefront;
        uint256 orderId;
        uint256 deadline;
    }

    /// @notice A storefront's issuance state. Stored packed in one word (`StorefrontIssuanceSlot`, same layout)
    /// that checkout reads and writes once.
    /// @param isIssuer Whether the storefront holds the issuer role.
    /// @param capPeriod Length of an issuance period in seconds (periods are aligned to multiples of it).
    /// @param periodStart Start of the period `issuedInPeriod` counts.
    /// @param capPerPeriod The most points the storefront may issue in one period.
    /// @param issuedInPeriod Points issued since `periodStart`.
    struct StorefrontIssuance {
        bool isIssuer;
        uint32 capPeriod;
        uint40 periodStart;
        uint88 capPerPeriod;
        uint88 issuedInPeriod;
    }

    /// @notice The token-wide switches, kept in one storage slot that every balance change reads once.
    /// @param paused Whether issuance, redemption and transfers are stopped.
    /// @param transfersLocked Whether points are locked to their holder (issue and redeem still work).
    /// @param supplyCap The most points that may exist at once; 0 for no cap.
    /// @param expiryPeriod Seconds without activity after which a holder's points expire; 0 for no expiry.
    /// @param expiryStart When expiry was switched on: no holder's inactivity counts from before it.
    struct TokenPolicy {
        bool paused;
        bool transfersLocked;
        uint128 supplyCap;
        uint32 expiryPeriod;
        uint40 expiryStart;
    }

    /// @notice Issuance, redemption and transfers were stopped by `account`.
    event Paused(address account);

    /// @notice Issuance, redemption and transfers were resumed by `account`.
    event Unpaused(address account);

    /// @notice The storefront's order `orderId` was rewarded.
    /// @dev Emitted right after the order's `Transfer` from the zero address (log index `logIndex - 1`), which
    /// carries the shopper and the amount. Repeating them here would cost every issuance about 700 gas.
    event PointsIssued(address indexed storefront, uint256 orderId);

    /// @notice A batch of orders was rewarded in one transaction.
    /// @dev Emitted right after the batch's `Transfer` events, one per order and in the order of `orderIds`:
    /// the Transfer for `orderIds[i]` has log index `logIndex - orderIds.length + i`, which carries the shopper
    /// and the amount. Repeating them here would cost every order in the batch about 700 gas.
    event PointsIssuedInBatch(address indexed storefront, uint256[] orderIds);

    /// @notice Points were redeemed at `storefront`; `ref` is the storefront's own reference (for example the
    /// hash of the discount code it granted). A redemption is attributed to a storefront only when that
    /// storefront took part: it called `redeemFrom` or `redeemWithPermit` with the allowance or permit the
    /// shopper gave it. A holder's own `redeem` names no storefront (`storefront` is zero), so that nobody can
    /// count redemptions at a storefront that took no part in them.
    /// @dev Emitted right after the redemption's `Transfer` to the zero address (log index `logIndex - 1`), which
    /// carries the shopper and the amount.
    event PointsRedeemed(address indexed storefront, bytes32 ref);

    /// @notice The storefront's orders `firstOrderId` to `firstOrderId + count - 1` were rewarded in one batch.
    /// @dev Emitted right after the batch's `count` Transfer events, in order: the Transfer for order
    /// `firstOrderId + i` has log index `logIndex - count + i`.
    event PointsIssuedForOrderRange(address indexed storefront, uint256 firstOrderId, uint256 count);

    /// @notice The admin set a storefront's issuance cap.
    event IssuanceCapSet(address indexed storefront, uint256 capPerPeriod, uint256 capPeriod);

    /// @notice The admin switched transfers between holders off (`locked`) or back on.
    event TransfersLockedSet(bool locked);

    /// @notice The admin set the global supply cap (0: none).
    event SupplyCapSet(uint256 supplyCap);

    /// @notice The token is paused.
    error EnforcedPause();

    /// @notice The token is not paused.
    error ExpectedPause();

    /// @notice The storefront's order was already rewarded.
    error OrderAlreadyRewarded(address storefront, uint256 orderId);

    /// @notice Issuing `amount` would take the storefront past its cap for the period starting at `periodStart`.
    error IssuanceCapExceeded(
        address storefront, uint256 capPerPeriod, uint256 periodStart, uint256 issuedInPeriod, uint256 amount
    );

    /// @notice The storefront holds the issuer role but the admin has not set its issuance cap yet.
    error IssuanceCapNotSet(address storefront);

    /// @notice Minting, or recording points pending, would take the total supply plus the points pending to
    /// `newSupply`, past the global `supplyCap`. Pending points count from issuance, so a release never meets it.
    error SupplyCapExceeded(uint256 supplyCap, uint256 newSupply);

    /// @notice The supply cap does not fit its packed slot (128 bits).
    error SupplyCapTooLarge(uint256 supplyCap);

    /// @notice A supply cap below the current total supply plus the points pending (`totalSupply`).
    error SupplyCapBelowSupply(uint256 supplyCap, uint256 totalSupply);

    /// @notice The voucher was signed neither by the storefront it names nor by one of its signer keys.
    error VoucherSignerMismatch(address signer, address storefront);

    /// @notice The order range starting at `firstOrderId` with `count` orders runs past the largest order number.
    error OrderRangeOverflow(uint256 firstOrderId, uint256 count);

    /// @notice The issuance period length is zero or does not fit 32 bits.
    error InvalidCapPeriod(uint256 capPeriod);

    /// @notice The cap per period does not fit the packed slot (88 bits).
    error CapPerPeriodTooLarge(uint256 capPerPeriod);

    /// @notice Points cannot move between holders while transfers are locked.
    error TransfersLocked(address from, address to);

    /// @notice Issues `amount` points to `shopper` for the caller's order `orderId`.
    /// @param shopper Who receives the points.
    /// @param orderId The caller's order number; each is rewarded once.
    /// @param amount The points, in token units.
    function issue(address shopper, uint256 orderId, uint256 amount) external;

    /// @notice Issues points for many of the caller's orders; any duplicate order reverts the whole batch.
    /// @param shoppers Who receives the points of each order.
    /// @param orderIds The caller's order numbers, one per shopper.
    /// @param amounts The points of each order, one per shopper.
    function issueBatch(address[] calldata shoppers, uint256[] calldata orderIds, uint256[] calldata amounts)
        external;

    /// @notice Issues points for the caller's consecutive orders `firstOrderId`, `firstOrderId + 1`, …: the
    /// cheapest batch for storefronts whose order numbers are sequential.
    /// @param firstOrderId The caller's first order number; the i-th shopper's order is `firstOrderId + i`.
    /// @param shoppers Who receives the points of each order.
    /// @param amounts The points of each order, one per shopper.
    function issueForOrderRange(uint256 firstOrderId, address[] calldata shoppers, uint256[] calldata amounts)
        external;

    /// @notice Issues the points of a voucher signed by its storefront.
    /// @param voucher The voucher: shopper, points, storefront, order number and deadline.
    /// @param r The signature's r.
    /// @param vs The signature's s with the recovery parity in its top bit (EIP-2098 compact form: 64 bytes
    /// instead of 65, and no malleable twin). viem: `signatureToCompactSignature`; ethers: `Signature.from(sig)
    /// .yParityAndS`.
    function claimVoucher(RewardVoucher memory voucher, bytes32 r, bytes32 vs) external;

    /// @notice Burns `amount` of the caller's points. The redemption is attributed to no storefront
    /// (`PointsRedeemed` with a zero storefront): a storefront that takes part redeems through `redeemFrom` or
    /// `redeemWithPermit`.
    /// @param amount The points, in token units.
    /// @param ref The reference of the redemption (for example a coupon the storefront looks up by it).
    function redeem(uint256 amount, bytes32 ref) external;

    /// @notice Burns `amount` of `shopper`'s points, redeemed at the calling storefront, spending its allowance.
    /// @param shopper Whose points are redeemed.
    /// @param amount The points, in token units.
    /// @param ref The storefront's reference of the redemption (an order or a coupon).
    function redeemFrom(address shopper, uint256 amount, bytes32 ref) external;

    /// @notice Like `redeemFrom`, with the shopper's EIP-2612 permit applied in the same transaction.
    /// @param shopper Whose points are redeemed; the permit's owner.
    /// @param amount The points, in token units; also the permit's value.
    /// @param ref The storefront's reference of the redemption (an order or a coupon).
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's recovery byte.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    function redeemWithPermit(
        address shopper,
        uint256 amount,
        bytes32 ref,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Whether the storefront's order has been rewarded.
    /// @param storefront The storefront.
    /// @param orderId The storefront's order number.
    /// @return True once the order was rewarded.
    function isOrderRewarded(address storefront, uint256 orderId) external view returns (bool);

    /// @notice The storefront's issuance state, with the period rolled forward to now.
    /// @param storefront The storefront.
    /// @return The storefront's issuance state.
    function storefrontIssuance(address storefront) external view returns (StorefrontIssuance memory);

    /// @notice The EIP-712 digest a storefront signs for `voucher`.
    /// @param voucher The voucher.
    /// @return The digest to sign.
    function voucherDigest(RewardVoucher memory voucher) external view returns (bytes32);

    /// @notice The role of a storefront that issues points.
    /// @return The role's identifier, keccak256("ISSUER_ROLE").
    function ISSUER_ROLE() external view returns (bytes32);

    /// @notice The role that pauses and unpauses the token.
    /// @return The role's identifier, keccak256("PAUSER_ROLE").
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The role that upgrades the implementation.
    /// @return The role's identifier, keccak256("UPGRADER_ROLE").
    function UPGRADER_ROLE() external view returns (bytes32);

    /// @notice The EIP-712 domain name of vouchers and permits (the version is `DOMAIN_VERSION`, "1").
    /// @return The domain name, "dCRM RewardToken".
    function DOMAIN_NAME() external view returns (string memory);

    /// @notice Sets up the proxy: token name and symbol, and `admin` as admin, pauser and upgrader. Callable once.
    /// @param name_ The token's ERC-20 name.
    /// @param symbol_ The token's ERC-20 symbol.
    /// @param admin The account given the admin, pauser and upgrader roles.
    function initialize(string calldata name_, string calldata symbol_, address admin) external;

    /// @notice Sets how many points `storefront` may issue per period of `capPeriod` seconds. Only the admin may
    /// (`AccessControlUnauthorizedAccount` otherwise). Reverts with `ZeroAddress` for the zero storefront,
    /// `InvalidCapPeriod` for a period of zero or beyond 32 bits, and `CapPerPeriodTooLarge` for a cap beyond
    /// 88 bits.
    /// @dev The new cap applies from the current period of the new length (aligned to multiples of it), and
    /// what was issued in the current period of the old length counts against it: changing the period never
    /// starts a fresh allowance early.
    /// @param storefront The storefront.
    /// @param capPerPeriod The most points it may issue per period.
    /// @param capPeriod The period's length, in seconds.
    function setIssuanceCap(address storefront, uint256 capPerPeriod, uint256 capPeriod) external;

    /// @notice Locks (or unlocks) transfers between holders; issuing and redeeming keep working. Only the admin
    /// may (`AccessControlUnauthorizedAccount` otherwise).
    /// @param locked True to lock transfers, false to unlock them.
    function setTransfersLocked(bool locked) external;

    /// @notice Sets the global supply cap; 0 removes it. Only the admin may (`AccessControlUnauthorizedAccount`
    /// otherwise). Reverts with `SupplyCapTooLarge` beyond 128 bits and `SupplyCapBelowSupply` for a nonzero
    /// cap below the total supply plus the points pending (they keep their room under the cap).
    /// @param cap The most points that may exist, in token units (0: no cap).
    function setSupplyCap(uint256 cap) external;

    /// @notice Stops issuance, redemption and transfers. Only a pauser may (`AccessControlUnauthorizedAccount`
    /// otherwise); reverts with `EnforcedPause` when already paused.
    function pause() external;

    /// @notice Resumes issuance, redemption and transfers. Only a pauser may (`AccessControlUnauthorizedAccount`
    /// otherwise); reverts with `ExpectedPause` when not paused.
    function unpause() external;

    /// @notice Whether issuance, redemption and transfers are stopped.
    /// @return True while the token is paused.
    function paused() external view returns (bool);

    /// @notice Whether transfers between holders are locked.
    /// @return True while transfers are locked.
    function transfersLocked() external view returns (bool);

    /// @notice The global supply cap.
    /// @return The most points that may exist, in token units (0: no cap).
    function supplyCap() external view returns (uint256);
}
