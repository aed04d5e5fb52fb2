// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommonErrors} from "../common/ICommonErrors.sol";

/// @title IRewardPolicies
/// @notice A storefront's program policy (points pending through its return window, clawback of refunded
/// orders) and the token-wide expiry of inactive holders' points.
/// @dev A storefront with neither a return window nor clawback issues exactly as `IRewardToken` describes and
/// keeps no per-order record. Otherwise each order gets a record, keyed by (storefront, shopper, order), that
/// lives only while something can still happen to the order: while its points are pending, and after release
/// while points of a clawback order remain. Whether an order can be clawed back is fixed when it is issued.
interface IRewardPolicies is ICommonErrors {
    /// @notice A storefront's program policy, chosen by the storefront.
    /// @param returnWindow Seconds an order's points stay pending before anyone may release them; 0 issues at
    /// once.
    /// @param clawbackAllowed Whether the storefront may take back the points of orders issued from now on
    /// after their release (for a refund after the return window).
    struct StorefrontPolicy {
        uint32 returnWindow;
        bool clawbackAllowed;
    }

    /// @notice What remains of an order issued under a policy, in one storage slot.
    /// @param points Points still pending, or (once released) still open to clawback.
    /// @param releaseTime When anyone may release the points (the storefront may release them earlier).
    /// @param released Whether the points were minted to the shopper.
    /// @param clawbackAllowed Whether the storefront may claw the points back after release.
    struct RecordedOrder {
        uint88 points;
        uint40 releaseTime;
        bool released;
        bool clawbackAllowed;
    }

    /// @notice Why `expire` left a holder's points alone.
    /// @param NoPoints The holder holds no points.
    /// @param NotExpired The holder's inactivity deadline has not passed.
    /// @param Custodian The holder is a custodian: it holds points for others, and they never expire.
    enum ExpirySkip {
        NoPoints,
        NotExpired,
        Custodian
    }

    /// @notice Why `release` left an order alone.
    /// @param NotPending The order has no pending points for this shopper: already released, fully voided, or
    /// never issued pending (or named twice in the batch).
    /// @param ReturnWindowOpen The order's release time has not come and the caller may not release it early.
    enum ReleaseSkip {
        NotPending,
        ReturnWindowOpen
    }

    /// @notice The storefront set its program policy; it applies to orders issued from now on.
    event StorefrontPolicySet(address indexed storefront, uint32 returnWindow, bool clawbackAllowed);

    /// @notice `amount` points of the storefront's order `orderId` are pending for `shopper` until
    /// `releaseTime`: neither spendable nor transferable, and not in `balanceOf`.
    event PointsPending(
        address indexed storefront, address indexed shopper, uint256 orderId, uint256 amount, uint256 releaseTime
    );

    /// @notice The pending points of the storefront's order `orderId` were released.
    /// @dev Emitted right after the order's `Transfer` from the zero address (log index `logIndex - 1`), which
    /// carries the shopper and the amount.
    event PointsReleased(address indexed storefront, uint256 orderId);

    /// @notice The storefront voided `amount` pending points of its order (a refund in the return window);
    /// `remaining` stay pending.
    event PendingPointsVoided(
        address indexed storefront, address indexed shopper, uint256 orderId, uint256 amount, uint256 remaining
    );

    /// @notice The storefront clawed back `amount` points of its refunded order after release. `shortfall` of
    /// them were no longer held by the shopper (spent or moved) and were not burned: the storefront's loss.
    /// @dev When something was burned, the `Transfer` to the zero address of `amount - shortfall` comes right
    /// before this event.
    event PointsClawedBack(
        address indexed storefront, address indexed shopper, uint256 orderId, uint256 amount, uint256 shortfall
    );

    /// @notice The admin set the inactivity after which a holder's points expire (0: expiry off).
    event ExpiryPeriodSet(uint256 expiryPeriod);

    /// @notice All `amount` points of `holder` expired after their inactivity deadline and were burned.
    /// @dev Emitted right after the `Transfer` to the zero address of the same amount.
    event PointsExpired(address indexed holder, uint256 amount);

    /// @notice The admin made `account` a custodian (or no longer one): a contract that holds points for others,
    /// whose balance never expires.
    event CustodianSet(address indexed account, bool custodian);

    /// @notice `expire` skipped `holder` for `reason`; the rest of the batch went on.
    event ExpirySkipped(address indexed holder, ExpirySkip reason);

    /// @notice `release` skipped the storefront's order `orderId` for `shopper` for `reason`; the rest of the
    /// batch went on.
    event ReleaseSkipped(address indexed storefront, address indexed shopper, uint256 orderId, ReleaseSkip reason);

    /// @notice The order has no pending points for this shopper (never issued pending, released, or voided).
    error OrderNotPending(address storefront, address shopper, uint256 orderId);

    /// @notice Voiding `amount` points would take more than the `pending` points of the order.
    error VoidExceedsPending(address storefront, address shopper, uint256 orderId, uint256 amount, uint256 pending);

    /// @notice The order has no released points open to clawback: it was released without clawback, nothing of
    /// it remains, or it does not exist. (While an order's points are pending, clawback reverts
    /// `OrderStillPending` whatever its terms: pending points are voided.)
    error OrderNotClawbackable(address storefront, address shopper, uint256 orderId);

    /// @notice The order's points are still pending: void them instead.
    error OrderStillPending(address storefront, address shopper, uint256 orderId);

    /// @notice Clawing back `amount` points would take more than the `available` points of the order.
    error ClawbackExceedsOrder(
        address storefront, address shopper, uint256 orderId, uint256 amount, uint256 available
    );

    /// @notice A return window above `maxReturnWindow`.
    error ReturnWindowTooLong(uint256 returnWindow, uint256 maxReturnWindow);

    /// @notice An expiry period below one day or above 32 bits of seconds.
    error InvalidExpiryPeriod(uint256 expiryPeriod);

    /// @notice Expiry is off.
    error ExpiryOff();

    /// @notice Sets the caller's (a storefront with the issuer role) policy for orders issued from now on.
    /// @param returnWindow Seconds each order's points stay pending (0: issued at once); at most `MAX_RETURN_WINDOW`.
    /// @param clawbackAllowed Whether the caller may claw back the points of orders after their release.
    function setStorefrontPolicy(uint32 returnWindow, bool clawbackAllowed) external;

    /// @notice Releases the pending points of the storefront's orders `orderIds[i]` to `shoppers[i]`: anyone
    /// may once an order's return window has closed (a keeper in batches, a shopper for its own orders), the
    /// storefront at any time while it holds the issuer role (a revoked storefront releases as anyone does).
    /// An order that cannot be released (already released or voided, or not yet due) is skipped with
    /// `ReleaseSkipped`, so that nobody can make a keeper's batch fail by releasing one of its orders first.
    /// @param storefront The storefront whose orders these are.
    /// @param shoppers The shopper of each order.
    /// @param orderIds The storefront's order numbers, one per shopper.
    function release(address storefront, address[] calldata shoppers, uint256[] calldata orderIds) external;

    /// @notice Voids `amount` of the pending points of the caller's order (in full or in part). The caller must
    /// hold the issuer role now: revoking a storefront's key ends its power over its orders.
    /// @param shopper The order's shopper.
    /// @param orderId The caller's order number.
    /// @param amount The pending points to void.
    function voidPending(address shopper, uint256 orderId, uint256 amount) external;

    /// @notice Takes back `amount` points of the caller's released order, issued while the caller allowed
    /// clawback: burns what the shopper still holds, up to `amount`, and reports the rest as shortfall.
    /// `amount` counts against the order in full, so the order's points are never clawed back twice. The
    /// caller must hold the issuer role now.
    /// @param shopper The order's shopper.
    /// @param orderId The caller's order number.
    /// @param amount The points to take back.
    function clawback(address shopper, uint256 orderId, uint256 amount) external;

    /// @notice Burns all points of each holder whose inactivity deadline has passed; anyone may call it. A
    /// holder it cannot act on is skipped with `ExpirySkipped`, so that no holder can make a keeper's batch
    /// fail (for example by moving its points just before).
    /// @param holders The holders to check.
    function expire(address[] calldata holders) external;

    /// @notice Makes `account` a custodian (or no longer one); only the admin. A custodian's points never expire:
    /// contracts that hold points in custody for others (ReferralEscrow budgets and commissions,
    /// DataAccessPayments deposits and earnings) keep what their books owe. Reverts `ZeroAddress` for the zero
    /// address.
    /// @param account The account.
    /// @param custodian True to make it a custodian, false to end it.
    function setCustodian(address account, bool custodian) external;

    /// @notice Whether `account` is a custodian, whose points never expire.
    /// @param account The account.
    /// @return True when its points never expire.
    function isCustodian(address account) external view returns (bool);

    /// @notice The storefront's program policy.
    /// @param storefront The storefront.
    /// @return The policy of orders it issues from now on.
    function storefrontPolicy(address storefront) external view returns (StorefrontPolicy memory);

    /// @notice What remains recorded of the storefront's order for the shopper (all zero: nothing).
    /// @param storefront The storefront.
    /// @param shopper The order's shopper.
    /// @param orderId The storefront's order number.
    /// @return What remains of the order.
    function recordedOrder(address storefront, address shopper, uint256 orderId)
        external
        view
        returns (RecordedOrder memory);

    /// @notice When the holder's points expire if it stays inactive; 0 when expiry is off, it holds none, or it
    /// is a custodian.
    /// @param holder The holder.
    /// @return The timestamp of expiry (0: none).
    function pointsExpireAt(address holder) external view returns (uint256);

    /// @notice Points recorded pending and not yet released or voided. They count toward the supply cap from
    /// issuance (beside `totalSupply`), so that a release never meets the cap.
    /// @return The points pending, in token units.
    function pendingSupply() external view returns (uint256);

    /// @notice The inactivity (seconds) after which points expire; 0 when expiry is off.
    /// @return The inactivity, in seconds (0: expiry off).
    function expiryPeriod() external view returns (uint256);

    /// @notice The longest return window a storefront may set.
    /// @return The longest return window, in seconds (365 days).
    function MAX_RETURN_WINDOW() external view returns (uint32);

    /// @notice The shortest inactivity after which points may expire.
    /// @return The shortest expiry period, in seconds (1 day).
    function MIN_EXPIRY_PERIOD() external view returns (uint256);

    /// @notice Sets the inactivity after which a holder's points expire; 0 switches expiry off. Switching it on
    /// starts every holder's clock now. Only the admin may (`AccessControlUnauthorizedAccount` otherwise).
    /// Reverts with `InvalidExpiryPeriod` for a nonzero period below `MIN_EXPIRY_PERIOD` or beyond 32 bits.
    /// @param period The inactivity, in seconds (0: expiry off).
    function setExpiryPeriod(uint256 period) external;
}
