// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "../../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../../contracts/reward/RewardToken.sol";
import {CompactSignatures} from "../utils/CompactSignatures.sol";
import {FuzzBounds} from "../utils/FuzzBounds.sol";
import {Vm, VM_ADDRESS} from "../utils/Vm.sol";
import {VoucherDigests} from "../utils/VoucherDigests.sol";

/// @title RewardTokenHandler
/// @notice The actions an invariant run performs on RewardToken, with bounded inputs, from three storefronts, three
/// shoppers and an outsider that never holds the issuer role; and ghost state that records what happened.
/// @dev Every action predicts from the ghost state whether the token must accept or reject it, then calls the
/// token in `try`: an outcome against the prediction is counted in `ghostUnexpectedOutcomes`, a mint by an account
/// without the issuer role in `ghostMintsWithoutIssuerRole`. Actions never revert, so a broken prediction is
/// reported by the invariants rather than lost among discarded reverts. Order numbers come from a small space
/// (0-599, crossing bitmap words at 256 and 512, plus the 300 largest) so orders repeat.
contract RewardTokenHandler {
    using FuzzBounds for uint256;

    /// @notice A storefront's order number.
    struct Order {
        address storefront;
        uint256 orderId;
    }

    Vm private constant vm = Vm(VM_ADDRESS);

    /// @notice The cap every storefront gets per period.
    uint256 public constant CAP_PER_PERIOD = 3_000e18;
    /// @notice The period length every storefront gets.
    uint256 public constant CAP_PERIOD = 1 days;
    /// @notice The global supply cap.
    uint256 public constant SUPPLY_CAP = 6_000e18;

    uint256 private constant MAX_AMOUNT = 1_000e18;
    uint256 private constant MAX_BATCH_LENGTH = 5;
    uint256 private constant MAX_RANGE_LENGTH = 8;
    uint256 private constant ACTOR_COUNT = 3;
    uint256 private constant LOW_ORDER_IDS = 600;
    uint256 private constant HIGH_ORDER_IDS = 300;
    uint256 private constant MAX_TIME_STEP = 2 days;
    uint256 private constant FIRST_STOREFRONT_KEY = 0x5701;
    uint256 private constant OUTSIDER_KEY = 0x0B57;

    RewardToken public immutable token;
    address public immutable admin;
    /// @notice An account that never holds the issuer role; it still tries to issue and to sign vouchers.
    address public immutable outsider;
    bytes32 private immutable issuerRole;

    address[] private storefronts;
    address[] private shoppers;

    /// @notice The timestamp of the run: every action and every invariant check happens at it.
    uint256 public currentTime;

    /// @notice All points minted by successful calls.
    uint256 public ghostMinted;
    /// @notice All points burned by successful redemptions.
    uint256 public ghostBurned;
    /// @notice Successful issuance calls (any kind) by accounts that did not hold the issuer role at the time.
    uint256 public ghostMintsWithoutIssuerRole;
    /// @notice Successful claims of vouchers signed by someone other than the storefront they name.
    uint256 public ghostForgedVoucherClaims;
    /// @notice Calls whose success or failure differed from the handler's prediction.
    uint256 public ghostUnexpectedOutcomes;
    /// @notice The action of the latest unexpected outcome, for the failure message.
    string public lastUnexpectedAction;

    /// @notice How many times each order was rewarded.
    mapping(address storefront => mapping(uint256 orderId => uint256 count)) public ghostRewardCount;
    /// @notice Points each storefront issued per aligned period.
    mapping(address storefront => mapping(uint256 periodStart => uint256 issued)) public ghostIssuedInPeriod;
    /// @notice Whether each storefront holds the issuer role, as the admin's grants and revocations left it.
    mapping(address storefront => bool) public ghostIsIssuer;

    Order[] private touchedOrders;
    mapping(address storefront => mapping(uint256 orderId => bool)) private isTouched;
    address[] private holders;
    mapping(address account => bool) private isHolder;

    /// @dev Keeps every action at the run's own clock, whatever the runner does with the block between calls.
    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    /// @notice Sets up actors for `token`; the test grants the storefronts their role and cap (see `storefrontAt`).
    constructor(RewardToken token_, address admin_, uint256 startTime) {
        token = token_;
        admin = admin_;
        currentTime = startTime;
        issuerRole = token_.ISSUER_ROLE();
        outsider = vm.addr(OUTSIDER_KEY);
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            address storefront = vm.addr(FIRST_STOREFRONT_KEY + i);
            storefronts.push(storefront);
            ghostIsIssuer[storefront] = true;
            shoppers.push(address(uint160(uint256(keccak256(abi.encode("shopper", i))))));
        }
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A storefront issues points for one order.
    function issue(uint256 storefrontSeed, uint256 shopperSeed, uint256 orderSeed, uint256 amountSeed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        address shopper = _shopper(shopperSeed);
        uint256 orderId = _orderId(orderSeed);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        bool expected = _mayIssue(storefront, amount) && ghostRewardCount[storefront][orderId] == 0;

        bool succeeded;
        vm.prank(storefront);
        try token.issue(shopper, orderId, amount) {
            succeeded = true;
            _recordIssued(storefront, amount);
            _recordReward(storefront, orderId, shopper);
        } catch {}
        _touch(storefront, orderId);
        _checkOutcome(expected, succeeded, "issue");
    }

    /// @notice A storefront issues points for a batch of orders; the order ids lie close together, so a batch
    /// sometimes repeats an order.
    function issueBatch(uint256 storefrontSeed, uint256 orderSeed, uint256 lengthSeed, uint256 seed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 length = lengthSeed.bound(1, MAX_BATCH_LENGTH);
        uint256 firstOrderId = _orderId(orderSeed);
        (address[] memory batchShoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(length, seed);
        uint256[] memory orderIds = new uint256[](length);
        bool ordersFresh = true;
        for (uint256 i; i < length; ++i) {
            unchecked {
                orderIds[i] = firstOrderId + seed.derive(100 + i) % (2 * MAX_BATCH_LENGTH);
            }
            if (ghostRewardCount[storefront][orderIds[i]] != 0) ordersFresh = false;
            for (uint256 j; j < i; ++j) {
                if (orderIds[j] == orderIds[i]) ordersFresh = false;
            }
        }
        bool expected = ordersFresh && _mayIssue(storefront, total);

        bool succeeded;
        vm.prank(storefront);
        try token.issueBatch(batchShoppers, orderIds, amounts) {
            succeeded = true;
            _recordIssued(storefront, total);
            for (uint256 i; i < length; ++i) {
                _recordReward(storefront, orderIds[i], batchShoppers[i]);
            }
        } catch {}
        for (uint256 i; i < length; ++i) {
            _touch(storefront, orderIds[i]);
        }
        _checkOutcome(expected, succeeded, "issueBatch");
    }

    /// @notice A storefront issues points for consecutive orders; ranges near the largest order id may overflow.
    function issueForOrderRange(uint256 storefrontSeed, uint256 orderSeed, uint256 countSeed, uint256 seed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 count = countSeed.bound(1, MAX_RANGE_LENGTH);
        uint256 firstOrderId = _orderId(orderSeed);
        (address[] memory rangeShoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(count, seed);
        bool fits = firstOrderId <= type(uint256).max - (count - 1);
        // Past the largest order id only the orders that exist are looked at (and touched).
        uint256 existing = fits ? count : type(uint256).max - firstOrderId + 1;
        bool ordersFresh = true;
        for (uint256 i; i < existing; ++i) {
            if (ghostRewardCount[storefront][firstOrderId + i] != 0) ordersFresh = false;
        }
        bool expected = fits && ordersFresh && _mayIssue(storefront, total);

        bool succeeded;
        vm.prank(storefront);
        try token.issueForOrderRange(firstOrderId, rangeShoppers, amounts) {
            succeeded = true;
            _recordIssued(storefront, total);
            for (uint256 i; i < count; ++i) {
                _recordReward(storefront, firstOrderId + i, rangeShoppers[i]);
            }
        } catch {}
        for (uint256 i; i < existing; ++i) {
            _touch(storefront, firstOrderId + i);
        }
        _checkOutcome(expected, succeeded, "issueForOrderRange");
    }

    /// @notice Anyone submits a voucher signed by the storefront it names; one in eight is already expired.
    function claimVoucher(
        uint256 storefrontSeed,
        uint256 shopperSeed,
        uint256 orderSeed,
        uint256 amountSeed,
        uint256 deadlineSeed,
        address relayer
    ) external atCurrentTime {
        uint256 storefrontIndex = storefrontSeed % ACTOR_COUNT;
        address storefront = storefronts[storefrontIndex];
        bool expired = deadlineSeed % 8 == 0;
        IRewardToken.RewardVoucher memory voucher = IRewardToken.RewardVoucher({
            shopper: _shopper(shopperSeed),
            amount: amountSeed.bound(1, MAX_AMOUNT),
            storefront: storefront,
            orderId: _orderId(orderSeed),
            deadline: expired ? currentTime - 1 - deadlineSeed % 1 days : currentTime + deadlineSeed % (2 days)
        });
        (bytes32 r, bytes32 vs) = _sign(FIRST_STOREFRONT_KEY + storefrontIndex, voucher);
        bool expected =
            !expired && _mayIssue(storefront, voucher.amount) && ghostRewardCount[storefront][voucher.orderId] == 0;

        bool succeeded;
        vm.prank(relayer);
        try token.claimVoucher(voucher, r, vs) {
            succeeded = true;
            _recordIssued(storefront, voucher.amount);
            _recordReward(storefront, voucher.orderId, voucher.shopper);
        } catch {}
        _touch(storefront, voucher.orderId);
        _checkOutcome(expected, succeeded, "claimVoucher");
    }

    /// @notice The outsider signs a voucher naming a storefront and submits it: it must always be rejected.
    function claimForgedVoucher(uint256 storefrontSeed, uint256 orderSeed, uint256 amountSeed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        IRewardToken.RewardVoucher memory voucher = IRewardToken.RewardVoucher({
            shopper: outsider,
            amount: amountSeed.bound(1, MAX_AMOUNT),
            storefront: storefront,
            orderId: _orderId(orderSeed),
            deadline: currentTime + 1 days
        });
        (bytes32 r, bytes32 vs) = _sign(OUTSIDER_KEY, voucher);

        vm.prank(outsider);
        try token.claimVoucher(voucher, r, vs) {
            ++ghostForgedVoucherClaims;
            _recordIssued(storefront, voucher.amount);
            _recordReward(storefront, voucher.orderId, outsider);
        } catch {}
        _touch(storefront, voucher.orderId);
    }

    /// @notice The outsider, which never held the issuer role, tries each way of issuing: all must revert.
    function issueAsOutsider(uint256 kindSeed, uint256 orderSeed, uint256 amountSeed) external atCurrentTime {
        uint256 orderId = _orderId(orderSeed);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        address[] memory recipients = new address[](1);
        recipients[0] = outsider;
        uint256[] memory orderIds = new uint256[](1);
        orderIds[0] = orderId;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;

        uint256 kind = kindSeed % 3;
        bool succeeded = true;
        vm.prank(outsider);
        if (kind == 0) {
            try token.issue(outsider, orderId, amount) {} catch { succeeded = false; }
        } else if (kind == 1) {
            try token.issueBatch(recipients, orderIds, amounts) {} catch { succeeded = false; }
        } else {
            try token.issueForOrderRange(orderId, recipients, amounts) {} catch { succeeded = false; }
        }
        if (succeeded) {
            _recordIssued(outsider, amount);
            _recordReward(outsider, orderId, outsider);
        }
        _touch(outsider, orderId);
    }

    /// @notice A holder redeems points at a storefront: zero, part, all or more than its balance.
    function redeem(uint256 holderSeed, uint256 storefrontSeed, uint256 amountSeed) external atCurrentTime {
        address holder = _anyActor(holderSeed);
        uint256 balance = token.balanceOf(holder);
        uint256 amount = amountSeed.bound(0, balance + 1);
        bool expected = amount != 0 && amount <= balance;

        bool succeeded;
        vm.prank(holder);
        try token.redeem(_storefront(storefrontSeed), amount, bytes32(amountSeed)) {
            succeeded = true;
            ghostBurned += amount;
        } catch {}
        _checkOutcome(expected, succeeded, "redeem");
    }

    /// @notice A holder transfers up to its balance to any actor.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amountSeed) external atCurrentTime {
        address from = _anyActor(fromSeed);
        address to = _anyActor(toSeed);
        uint256 amount = amountSeed.bound(0, token.balanceOf(from));

        bool succeeded;
        vm.prank(from);
        try token.transfer(to, amount) returns (bool ok) {
            succeeded = ok;
            _noteHolder(to);
        } catch {}
        _checkOutcome(true, succeeded, "transfer");
    }

    /// @notice Time moves forward by up to two days (two cap periods).
    function warp(uint256 secondsSeed) external {
        currentTime += secondsSeed.bound(1, MAX_TIME_STEP);
        vm.warp(currentTime);
    }

    /// @notice The admin revokes a storefront's issuer role.
    function revokeIssuer(uint256 storefrontSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bool succeeded;
        vm.prank(admin);
        try token.revokeRole(issuerRole, storefront) {
            succeeded = true;
            ghostIsIssuer[storefront] = false;
        } catch {}
        _checkOutcome(true, succeeded, "revokeIssuer");
    }

    /// @notice The admin grants a storefront the issuer role (again).
    function grantIssuer(uint256 storefrontSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bool succeeded;
        vm.prank(admin);
        try token.grantRole(issuerRole, storefront) {
            succeeded = true;
            ghostIsIssuer[storefront] = true;
        } catch {}
        _checkOutcome(true, succeeded, "grantIssuer");
    }

    // ─── What the invariants read ───────────────────────────────────────────────────────────────────────

    /// @notice The selectors of the actions above, for the runner to call.
    function actionSelectors() external pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](11);
        selectors[0] = this.issue.selector;
        selectors[1] = this.issueBatch.selector;
        selectors[2] = this.issueForOrderRange.selector;
        selectors[3] = this.claimVoucher.selector;
        selectors[4] = this.claimForgedVoucher.selector;
        selectors[5] = this.issueAsOutsider.selector;
        selectors[6] = this.redeem.selector;
        selectors[7] = this.transfer.selector;
        selectors[8] = this.warp.selector;
        selectors[9] = this.revokeIssuer.selector;
        selectors[10] = this.grantIssuer.selector;
    }

    /// @notice The storefront with index `index` (0 to 2).
    function storefrontAt(uint256 index) external view returns (address) {
        return storefronts[index];
    }

    /// @notice How many storefronts there are.
    function storefrontCount() external pure returns (uint256) {
        return ACTOR_COUNT;
    }

    /// @notice Every account that ever received points.
    function allHolders() external view returns (address[] memory) {
        return holders;
    }

    /// @notice Every order any action issued, tried to issue, or found in a range it tried.
    function allTouchedOrders() external view returns (Order[] memory) {
        return touchedOrders;
    }

    /// @notice The start of the aligned period containing the run's current time.
    function currentPeriodStart() public view returns (uint256) {
        return currentTime - currentTime % CAP_PERIOD;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    /// @dev Whether the model lets `storefront` issue `amount` now: role, cap of the period and supply cap.
    function _mayIssue(address storefront, uint256 amount) private view returns (bool) {
        return ghostIsIssuer[storefront]
            && ghostIssuedInPeriod[storefront][currentPeriodStart()] + amount <= CAP_PER_PERIOD
            && ghostMinted - ghostBurned + amount <= SUPPLY_CAP;
    }

    function _recordIssued(address storefront, uint256 amount) private {
        if (!ghostIsIssuer[storefront]) ++ghostMintsWithoutIssuerRole;
        ghostMinted += amount;
        ghostIssuedInPeriod[storefront][currentPeriodStart()] += amount;
    }

    function _recordReward(address storefront, uint256 orderId, address shopper) private {
        ++ghostRewardCount[storefront][orderId];
        _noteHolder(shopper);
    }

    function _checkOutcome(bool expected, bool succeeded, string memory action) private {
        if (expected != succeeded) {
            ++ghostUnexpectedOutcomes;
            lastUnexpectedAction = string.concat(action, succeeded ? " succeeded" : " reverted");
        }
    }

    function _touch(address storefront, uint256 orderId) private {
        if (isTouched[storefront][orderId]) return;
        isTouched[storefront][orderId] = true;
        touchedOrders.push(Order(storefront, orderId));
    }

    function _noteHolder(address account) private {
        if (isHolder[account]) return;
        isHolder[account] = true;
        holders.push(account);
    }

    /// @dev The storefront's compact (EIP-2098) signature of `voucher` for this token on this chain.
    function _sign(uint256 key, IRewardToken.RewardVoucher memory voucher)
        private
        view
        returns (bytes32 r, bytes32 vs)
    {
        (uint8 v, bytes32 rFromSign, bytes32 s) =
            vm.sign(key, VoucherDigests.digest(voucher, block.chainid, address(token)));
        return CompactSignatures.compact(v, rFromSign, s);
    }

    /// @dev Order ids 0-599 seven times in eight, otherwise one of the 300 largest.
    function _orderId(uint256 seed) private pure returns (uint256) {
        if (seed % 8 == 0) return type(uint256).max - (seed >> 3) % HIGH_ORDER_IDS;
        return (seed >> 3) % LOW_ORDER_IDS;
    }

    function _shoppersAndAmounts(uint256 count, uint256 seed)
        private
        view
        returns (address[] memory recipients, uint256[] memory amounts, uint256 total)
    {
        recipients = new address[](count);
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            uint256 word = seed.derive(i);
            recipients[i] = shoppers[word % ACTOR_COUNT];
            amounts[i] = word.derive(0).bound(1, MAX_AMOUNT);
            total += amounts[i];
        }
    }

    function _storefront(uint256 seed) private view returns (address) {
        return storefronts[seed % ACTOR_COUNT];
    }

    function _shopper(uint256 seed) private view returns (address) {
        return shoppers[seed % ACTOR_COUNT];
    }

    /// @dev Shoppers, storefronts or the outsider.
    function _anyActor(uint256 seed) private view returns (address) {
        uint256 index = seed % (2 * ACTOR_COUNT + 1);
        if (index < ACTOR_COUNT) return shoppers[index];
        if (index < 2 * ACTOR_COUNT) return storefronts[index - ACTOR_COUNT];
        return outsider;
    }
}
