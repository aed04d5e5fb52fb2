// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;


import {ICommonErrors} from "../../../contracts/common/ICommonErrors.sol";
import {IReferralEscrow} from "../../../contracts/referral/IReferralEscrow.sol";
import {ReferralEscrow} from "../../../contracts/referral/ReferralEscrow.sol";
import {FuzzBounds} from "../utils/FuzzBounds.sol";
import {PredictedOutcomes} from "./PredictedOutcomes.sol";
import {MintableToken} from "../utils/ReferralEscrowDeployment.sol";
import {Vm, VM_ADDRESS} from "../utils/Vm.sol";

/// @title ReferralEscrowHandler
/// @notice The actions an invariant run performs on ReferralEscrow, with bounded inputs: three storefronts, three
/// partner owners registering up to six codes, a stranger, and two budget tokens (a plain one and one that
/// burns `FEE_BPS` of every transfer). It registers partners and changes their payout addresses, enrols and
/// removes partners, sets hold periods and per-partner referral caps, pauses programs, funds and withdraws
/// budgets, records referrals singly and in batches (to shoppers, sometimes to the partner's own owner or payout
/// address, sometimes to the zero address), refunds them in part, voids them, releases them early, claims them
/// (`claim` and `claimFrom`) and moves time forward; and keeps a model of what the escrow must hold.
/// @dev Every action predicts from the model whether the escrow must accept the call and, if not, which errors
/// may reject it; then calls the escrow in `try`. A call against the prediction (an unexpected success, an
/// unexpected revert, or a revert with an error the model did not allow) is counted in
/// `ghostUnexpectedOutcomes`; a successful call that moved other amounts than the model says is counted in
/// `ghostMovementMismatches`. The model is updated only by calls that went as predicted, and actions never
/// revert, so a broken prediction is reported by the invariants rather than lost among discarded reverts.
/// Picks favour meaningful calls: claims mostly name released referrals of one partner, voids and early
/// releases mostly name referrals still in their hold period, and order numbers come from a small space
/// (0-47, plus the 8 largest) so orders repeat.
contract ReferralEscrowHandler is PredictedOutcomes {
    using FuzzBounds for uint256;

    /// @notice A referral, named by its storefront and order number.
    struct Key {
        address storefront;
        uint256 orderId;
    }

    /// @notice What the model knows of a referral.
    struct GhostReferral {
        uint40 partnerId;
        uint8 tokenIndex;
        IReferralEscrow.ReferralStatus status;
        uint256 releaseTime;
        uint256 commission;
        uint16 refundedBps;
    }

    /// @notice A storefront's per-partner referral cap (both zero: none).
    struct GhostCap {
        uint32 max;
        uint32 period;
    }

    /// @notice A partner's referrals in a storefront's cap period.
    struct GhostCount {
        uint256 periodStart;
        uint256 count;
    }

    /// @dev A claim about to be made, and what it must pay per token (escrow outflow, and what arrives).
    struct ClaimPlan {
        uint40 partnerId;
        IReferralEscrow.ReferralKey[] keys;
        bool[] paid;
        uint256[2] sent;
        uint256[2] arrived;
    }

    /// @dev A batch about to be recorded, as the model prices it.
    struct BatchPlan {
        address storefront;
        uint8 tokenIndex;
        IReferralEscrow.ReferredSale[] sales;
        uint40[] partnerIds;
        uint256[] commissions;
        uint256 total;
        bool allPriced;
    }

    Vm private constant vm = Vm(VM_ADDRESS);

    /// @notice The highest rate the escrow allows (its admin set it at deployment).
    uint16 public constant MAX_RATE_BPS = 2_000;
    /// @notice What the fee-on-transfer token burns of every transfer.
    uint256 public constant FEE_BPS = 250;
    /// @notice How many storefronts there are.
    uint256 public constant STOREFRONT_COUNT = 3;
    /// @notice How many tokens there are: index 0 is plain, index 1 takes a fee on transfer.
    uint256 public constant TOKEN_COUNT = 2;
    /// @notice How many payout addresses each partner id may use.
    uint256 public constant PAYOUTS_PER_PARTNER = 2;

    uint256 private constant BPS = 10_000;
    uint256 private constant CODE_COUNT = 6;
    uint256 private constant OWNER_COUNT = 3;
    uint256 private constant INITIAL_BUDGET = 20_000e18;
    uint256 private constant LOW_ORDER_IDS = 48;
    uint256 private constant HIGH_ORDER_IDS = 8;
    uint256 private constant MAX_FUND = 5_000e18;
    uint256 private constant MAX_SALE = 10_000e18;
    uint256 private constant MAX_FIXED = 300e18;
    uint256 private constant MAX_BATCH_LENGTH = 5;
    uint256 private constant MAX_CLAIM_KEYS = 4;
    uint256 private constant MAX_TIME_STEP = 2 days;
    uint256 private constant MAX_SHORT_HOLD = 3 days;
    uint8 private constant UNRELEASED = 0;
    uint8 private constant CLAIMABLE = 1;
    uint256 private constant SHOPPER_COUNT = 4;

    ReferralEscrow public immutable escrow;
    /// @notice An account that owns no partner, runs no storefront and is paid nothing; it triggers claims.
    address public immutable stranger;
    uint32 private immutable maxHoldPeriod;

    MintableToken[TOKEN_COUNT] private tokens;
    address[] private storefronts;
    address[] private owners;

    /// @notice The timestamp of the run: every action happens at it.
    uint256 public currentTime;

    /// @notice How many partners registered (their ids are 1 to this).
    uint40 public ghostPartnerCount;
    /// @notice Each partner's owner.
    mapping(uint40 partnerId => address) public ghostOwner;
    /// @notice Each partner's current payout address.
    mapping(uint40 partnerId => address) public ghostPayout;
    mapping(bytes32 code => uint40 partnerId) private ghostPartnerIdByCode;
    mapping(address storefront => mapping(uint40 partnerId => IReferralEscrow.PartnerTerms)) private ghostTerms;
    mapping(address storefront => uint32) private ghostHold;
    mapping(address storefront => bool) private ghostProgramPaused;
    mapping(address storefront => mapping(address token => bool)) private ghostHasBudget;
    /// @notice Each storefront's unallocated budget per token.
    mapping(address storefront => mapping(address token => uint256)) public ghostBudget;

    mapping(address storefront => mapping(uint256 orderId => GhostReferral)) private ghostReferrals;
    /// @notice How many times each order was recorded.
    mapping(address storefront => mapping(uint256 orderId => uint256)) public ghostRecordCount;
    /// @notice How many times each referral was claimed.
    mapping(address storefront => mapping(uint256 orderId => uint256)) public ghostClaimCount;
    Key[] private recordedKeys;
    Key[] private touchedKeys;
    mapping(address storefront => mapping(uint256 orderId => bool)) private isTouched;

    /// @notice Per token: what arrived in budgets, left them by withdrawal, moved from them into escrow, came back
    /// by voids, and was paid out by claims (all in the escrow's units, before any fee on the way out).
    mapping(address token => uint256) public ghostFunded;
    mapping(address token => uint256) public ghostWithdrawn;
    mapping(address token => uint256) public ghostCommitted;
    mapping(address token => uint256) public ghostVoided;
    mapping(address token => uint256) public ghostClaimed;
    /// @notice Each storefront's referral cap.
    mapping(address storefront => GhostCap) public ghostCap;
    mapping(address storefront => mapping(uint40 partnerId => GhostCount)) private ghostCounts;
    /// @notice How many times each storefront changed its cap: recordings are counted per cap setting.
    mapping(address storefront => uint256) private capEpoch;
    /// @dev Referrals recorded per storefront, cap setting, partner and period while a cap was set.
    mapping(address storefront => mapping(uint256 epoch => mapping(uint40 partnerId => mapping(uint256 => uint256))))
        private recordedUnderCap;
    /// @notice Recordings that took a partner past its storefront's cap for the period (must stay zero).
    uint256 public ghostCapOverruns;
    /// @notice Successful recordings made while a cap was set.
    uint256 public ghostCappedRecordings;
    /// @notice Commissions voided by partial refunds (a subset of `ghostVoided`), per token.
    mapping(address token => uint256) public ghostVoidedByRefunds;
    /// @notice Commissions the escrow paid each partner, per token.
    mapping(uint40 partnerId => mapping(address token => uint256)) public ghostPaidToPartner;
    /// @notice What arrived at each payout address and treasury (after the token's fee), per token.
    mapping(address holder => mapping(address token => uint256)) public ghostReceived;


    /// @dev Keeps every action at the run's own clock, whatever the runner does with the block between calls.
    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    /// @notice Sets up actors for `escrow_`, which must allow rates up to `MAX_RATE_BPS`; `plainToken` and
    /// `feeToken` (which burns `FEE_BPS`) are the budget tokens. Call `bootstrap` next.
    constructor(ReferralEscrow escrow_, MintableToken plainToken, MintableToken feeToken, uint256 startTime) {
        escrow = escrow_;
        tokens[0] = plainToken;
        tokens[1] = feeToken;
        currentTime = startTime;
        maxHoldPeriod = escrow_.MAX_HOLD_PERIOD();
        stranger = _named("stranger", 0);
        for (uint256 i; i < STOREFRONT_COUNT; ++i) {
            storefronts.push(_named("storefront", i));
        }
        for (uint256 i; i < OWNER_COUNT; ++i) {
            owners.push(_named("partner owner", i));
        }
    }

    /// @notice The starting state, through the same modelled calls the actions make: three partners (a 5% rate,
    /// a fixed 100 tokens, a 20% rate) enrolled at every storefront, hold periods of 0, 1 hour and 1 day, a
    /// budget of 20,000 in each token at each storefront, and two referrals per storefront and token (orders 0-3)
    /// so that claims, voids and early releases have something to act on from the first call.
    function bootstrap() external atCurrentTime {
        for (uint256 i; i < OWNER_COUNT; ++i) {
            _registerPartner(owners[i], codeAt(i), payoutAddress(uint40(i + 1), 0));
        }
        uint32[3] memory holds = [uint32(0), 1 hours, 1 days];
        for (uint256 s; s < STOREFRONT_COUNT; ++s) {
            address storefront = storefronts[s];
            _enrolPartner(storefront, codeAt(0), 500, 0);
            _enrolPartner(storefront, codeAt(1), 0, 100e18);
            _enrolPartner(storefront, codeAt(2), MAX_RATE_BPS, 0);
            _setHoldPeriod(storefront, holds[s]);
            for (uint256 t; t < TOKEN_COUNT; ++t) {
                _fundBudget(storefront, t, INITIAL_BUDGET);
                BatchPlan memory plan = _newPlan(storefront, t, 2);
                for (uint256 i; i < 2; ++i) {
                    plan.sales[i] = IReferralEscrow.ReferredSale({
                        orderId: 2 * t + i,
                        code: codeAt((s + t + i) % OWNER_COUNT),
                        saleAmount: 1_000e18,
                        buyer: shopperAt(i)
                    });
                }
                _recordReferrals(plan);
            }
        }
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice An owner registers a code (one in sixteen is the zero code; taken codes repeat often).
    function registerPartner(uint256 ownerSeed, uint256 codeSeed, uint256 payoutSeed) external atCurrentTime {
        bytes32 code = codeSeed % 16 == 0 ? bytes32(0) : codeAt((codeSeed >> 4) % CODE_COUNT);
        address payout = payoutSeed % 16 == 0 ? address(0) : payoutAddress(ghostPartnerCount + 1, payoutSeed >> 4);
        _registerPartner(owners[ownerSeed % OWNER_COUNT], code, payout);
    }

    /// @notice Someone (mostly the owner) changes a partner's payout address to another of the partner's own.
    function setPayoutAddress(uint256 partnerSeed, uint256 callerSeed, uint256 payoutSeed) external atCurrentTime {
        // 0 and count + 1 are unknown partners.
        uint40 partnerId = uint40(partnerSeed % (uint256(ghostPartnerCount) + 2));
        address owner = ghostOwner[partnerId];
        address caller = callerSeed % 4 == 0 || owner == address(0) ? _anyActor(callerSeed >> 2) : owner;
        address payout = payoutSeed % 16 == 0 ? address(0) : payoutAddress(partnerId, payoutSeed >> 4);
        Expectation memory expectation;
        if (payout == address(0)) _allow(expectation, ICommonErrors.ZeroAddress.selector);
        if (owner == address(0)) _allow(expectation, IReferralEscrow.UnknownPartner.selector);
        else if (caller != owner) _allow(expectation, IReferralEscrow.NotPartnerOwner.selector);

        vm.prank(caller);
        try escrow.setPayoutAddress(partnerId, payout) {
            if (_asPredicted(expectation, true, "", "setPayoutAddress")) ghostPayout[partnerId] = payout;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "setPayoutAddress");
        }
    }

    /// @notice A storefront enrols a partner or changes its terms; one in four terms is invalid.
    function enrolPartner(uint256 storefrontSeed, uint256 codeSeed, uint256 termsSeed) external atCurrentTime {
        (uint16 rateBps, uint96 fixedCommission) = _terms(termsSeed);
        _enrolPartner(_storefront(storefrontSeed), _code(codeSeed), rateBps, fixedCommission);
    }

    /// @notice A storefront removes a partner from its program (any of the six codes, registered or not).
    function removePartner(uint256 storefrontSeed, uint256 codeSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bytes32 code = codeAt(codeSeed % CODE_COUNT);
        uint40 partnerId = ghostPartnerIdByCode[code];
        Expectation memory expectation;
        if (partnerId == 0) _allow(expectation, IReferralEscrow.UnknownCode.selector);

        vm.prank(storefront);
        try escrow.removePartner(code) {
            if (_asPredicted(expectation, true, "", "removePartner")) {
                delete ghostTerms[storefront][partnerId];
                delete ghostCounts[storefront][partnerId];
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "removePartner");
        }
    }

    /// @notice A storefront sets its hold period: mostly up to three days, sometimes the maximum, sometimes more.
    function setHoldPeriod(uint256 storefrontSeed, uint256 holdSeed) external atCurrentTime {
        uint256 kind = holdSeed % 16;
        uint256 word = holdSeed >> 4;
        uint32 hold;
        if (kind == 0) hold = uint32(word.bound(uint256(maxHoldPeriod) + 1, type(uint32).max));
        else if (kind == 1) hold = maxHoldPeriod;
        else hold = uint32(word.bound(0, MAX_SHORT_HOLD));
        _setHoldPeriod(_storefront(storefrontSeed), hold);
    }

    /// @notice A storefront pauses (one time in three) or resumes its program.
    function setProgramPaused(uint256 storefrontSeed, uint256 pauseSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bool paused = pauseSeed % 3 == 0;
        vm.prank(storefront);
        try escrow.setProgramPaused(paused) {
            if (_asPredicted(_none(), true, "", "setProgramPaused")) ghostProgramPaused[storefront] = paused;
        } catch (bytes memory reason) {
            _asPredicted(_none(), false, reason, "setProgramPaused");
        }
    }

    /// @notice A storefront funds its budget in either token with up to 5,000 (zero sometimes).
    function fundBudget(uint256 storefrontSeed, uint256 tokenSeed, uint256 amountSeed) external atCurrentTime {
        _fundBudget(_storefront(storefrontSeed), tokenSeed % TOKEN_COUNT, amountSeed.bound(0, MAX_FUND));
    }

    /// @notice A storefront withdraws up to its budget to its treasury; one time in eight more than its budget,
    /// one time in sixteen to the zero address.
    function withdrawBudget(uint256 storefrontSeed, uint256 tokenSeed, uint256 amountSeed, uint256 toSeed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 tokenIndex = tokenSeed % TOKEN_COUNT;
        address token = address(tokens[tokenIndex]);
        uint256 budget = ghostBudget[storefront][token];
        uint256 amount =
            amountSeed % 8 == 0 ? budget + (amountSeed >> 3).bound(1, MAX_FUND) : (amountSeed >> 3).bound(0, budget);
        address to = toSeed % 16 == 0 ? address(0) : treasuryOf(storefront);
        Expectation memory expectation;
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        if (to == address(0)) _allow(expectation, ICommonErrors.ZeroAddress.selector);
        if (amount > budget) _allow(expectation, IReferralEscrow.InsufficientBudget.selector);
        uint256 escrowBefore = tokens[tokenIndex].balanceOf(address(escrow));
        uint256 toBefore = to == address(0) ? 0 : tokens[tokenIndex].balanceOf(to);

        vm.prank(storefront);
        try escrow.withdrawBudget(token, amount, to) {
            if (!_asPredicted(expectation, true, "", "withdrawBudget")) return;
            uint256 arrived = _arrived(tokenIndex, amount);
            _checkMovement(tokens[tokenIndex].balanceOf(address(escrow)) + amount, escrowBefore, "withdraw: escrow");
            _checkMovement(tokens[tokenIndex].balanceOf(to), toBefore + arrived, "withdraw: treasury");
            ghostBudget[storefront][token] = budget - amount;
            ghostWithdrawn[token] += amount;
            ghostReceived[to][token] += arrived;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "withdrawBudget");
        }
    }

    /// @notice A storefront records one referred sale of up to 10,000 in either token.
    function recordReferral(
        uint256 storefrontSeed,
        uint256 orderSeed,
        uint256 codeSeed,
        uint256 saleSeed,
        uint256 tokenSeed
    ) external atCurrentTime {
        BatchPlan memory plan = _newPlan(_storefront(storefrontSeed), tokenSeed, 1);
        plan.sales[0] = IReferralEscrow.ReferredSale({
            orderId: _orderId(orderSeed),
            code: _code(codeSeed),
            saleAmount: saleSeed.bound(0, MAX_SALE),
            buyer: address(0)
        });
        plan.sales[0].buyer = _buyer(plan.sales[0].code, saleSeed >> 128);
        Expectation memory expectation = _predictRecording(plan);
        IReferralEscrow.ReferredSale memory sale = plan.sales[0];

        vm.prank(plan.storefront);
        try escrow.recordReferral(
            sale.orderId, sale.code, sale.saleAmount, address(tokens[plan.tokenIndex]), sale.buyer
        ) {
            if (_asPredicted(expectation, true, "", "recordReferral")) _applyRecording(plan);
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "recordReferral");
        }
    }

    /// @notice A storefront records up to five sales in one token: consecutive orders or orders close together
    /// (so batches repeat orders), mostly for the partners enrolled at the start; one in 32 batches is empty.
    function recordReferrals(uint256 storefrontSeed, uint256 tokenSeed, uint256 lengthSeed, uint256 seed)
        external
        atCurrentTime
    {
        uint256 length = lengthSeed % 32 == 0 ? 0 : (lengthSeed >> 5).bound(1, MAX_BATCH_LENGTH);
        BatchPlan memory plan = _newPlan(_storefront(storefrontSeed), tokenSeed, length);
        uint256 firstOrderId = _orderId(seed);
        bool consecutive = seed % 2 == 0;
        bool startingPartnersOnly = (seed >> 1) % 4 != 0;
        for (uint256 i; i < length; ++i) {
            uint256 word = seed.derive(i);
            uint256 orderId;
            unchecked {
                orderId = firstOrderId + (consecutive ? i : word % (2 * MAX_BATCH_LENGTH));
            }
            bytes32 code = startingPartnersOnly ? codeAt(word.derive(1) % OWNER_COUNT) : _code(word.derive(1));
            uint256 saleAmount = word.derive(2).bound(0, MAX_SALE);
            plan.sales[i] = IReferralEscrow.ReferredSale({
                orderId: orderId,
                code: code,
                saleAmount: saleAmount,
                buyer: _buyer(code, word.derive(3))
            });
        }
        _recordReferrals(plan);
    }

    /// @notice A storefront voids a referral (all that remains of its commission), mostly one still in its
    /// hold period.
    function voidReferral(uint256 storefrontSeed, uint256 pickSeed) external atCurrentTime {
        (address storefront, uint256 orderId) = _pickReferral(storefrontSeed, pickSeed, UNRELEASED);
        GhostReferral storage referral = ghostReferrals[storefront][orderId];
        Expectation memory expectation = _predictUnreleased(referral);

        vm.prank(storefront);
        try escrow.voidReferral(orderId) {
            if (!_asPredicted(expectation, true, "", "voidReferral")) return;
            _applyRefund(storefront, referral, BPS, false);
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "voidReferral");
        }
    }

    /// @notice A storefront refunds part of a referred sale, mostly one still in its hold period: mostly up to
    /// what remains of the sale (sometimes exactly all of it), one time in eight more, one in sixteen zero.
    function refundReferral(uint256 storefrontSeed, uint256 pickSeed, uint256 bpsSeed) external atCurrentTime {
        (address storefront, uint256 orderId) = _pickReferral(storefrontSeed, pickSeed, UNRELEASED);
        GhostReferral storage referral = ghostReferrals[storefront][orderId];
        Expectation memory expectation = _predictUnreleased(referral);
        uint256 left = BPS - referral.refundedBps;
        uint256 kind = bpsSeed % 16;
        uint256 word = bpsSeed >> 4;
        uint16 refundBps;
        if (kind == 0) refundBps = 0;
        else if (kind <= 2) refundBps = uint16(word.bound(left + 1, type(uint16).max));
        else if (kind <= 4) refundBps = uint16(left);
        else refundBps = uint16(word.bound(1, left == 0 ? 1 : left));
        if (refundBps == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        if (uint256(referral.refundedBps) + refundBps > BPS) {
            _allow(expectation, IReferralEscrow.RefundExceedsSale.selector);
        }
        address token = address(tokens[referral.tokenIndex]);
        uint256 budgetBefore = escrow.budgetOf(storefront, token);

        vm.prank(storefront);
        try escrow.refundReferral(orderId, refundBps) {
            if (!_asPredicted(expectation, true, "", "refundReferral")) return;
            uint256 voided = _applyRefund(storefront, referral, uint256(referral.refundedBps) + refundBps, true);
            _checkMovement(escrow.budgetOf(storefront, token), budgetBefore + voided, "refund: budget");
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "refundReferral");
        }
    }

    /// @notice A storefront caps each partner's referrals per period (up to three per hour or per day), lifts
    /// the cap (one time in four), or tries an invalid cap (one time in eight).
    function setReferralCap(uint256 storefrontSeed, uint256 capSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        uint256 kind = capSeed % 8;
        uint256 word = capSeed >> 3;
        (uint32 max, uint32 period) = kind == 0
            ? (word % 2 == 0 ? (uint32(0), uint32(1 days)) : (uint32(1 + word % 5), uint32(0)))
            : kind <= 2 ? (uint32(0), uint32(0)) : (uint32(1 + word % 3), word % 4 == 0 ? uint32(1 days) : 1 hours);
        Expectation memory expectation;
        if ((max == 0) != (period == 0)) _allow(expectation, IReferralEscrow.InvalidReferralCap.selector);

        vm.prank(storefront);
        try escrow.setReferralCap(max, period) {
            if (!_asPredicted(expectation, true, "", "setReferralCap")) return;
            ghostCap[storefront] = GhostCap({max: max, period: period});
            ++capEpoch[storefront];
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "setReferralCap");
        }
    }

    /// @notice A storefront releases a referral early, mostly one still in its hold period.
    function releaseEarly(uint256 storefrontSeed, uint256 pickSeed) external atCurrentTime {
        (address storefront, uint256 orderId) = _pickReferral(storefrontSeed, pickSeed, UNRELEASED);
        GhostReferral storage referral = ghostReferrals[storefront][orderId];
        Expectation memory expectation = _predictUnreleased(referral);

        vm.prank(storefront);
        try escrow.releaseEarly(orderId) {
            if (_asPredicted(expectation, true, "", "releaseEarly")) referral.releaseTime = currentTime;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "releaseEarly");
        }
    }

    /// @notice The partner's owner (or, refused, anyone) claims for a partner: mostly up to four released
    /// referrals of that partner (in any tokens, from any storefronts), sometimes with one repeated, sometimes
    /// random referrals for a random partner.
    function claim(uint256 partnerSeed, uint256 seed, uint256 lengthSeed, uint256 callerSeed) external atCurrentTime {
        _claim(_planClaim(partnerSeed, seed, 1 + lengthSeed % MAX_CLAIM_KEYS, false), callerSeed, false);
    }

    /// @notice Like `claim`, through `claimFrom`: every referral named is of one storefront.
    function claimFrom(uint256 partnerSeed, uint256 seed, uint256 lengthSeed, uint256 callerSeed)
        external
        atCurrentTime
    {
        _claim(_planClaim(partnerSeed, seed, 1 + lengthSeed % MAX_CLAIM_KEYS, true), callerSeed, true);
    }

    /// @notice Time moves forward by up to two days.
    function warp(uint256 secondsSeed) external {
        currentTime += secondsSeed.bound(1, MAX_TIME_STEP);
        vm.warp(currentTime);
        ++ghostSuccesses["warp"];
    }

    // ─── What the invariants read ───────────────────────────────────────────────────────────────────────

    /// @notice The selectors of the actions above, for the runner to call.
    function actionSelectors() external pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](17);
        selectors[0] = this.registerPartner.selector;
        selectors[1] = this.setPayoutAddress.selector;
        selectors[2] = this.enrolPartner.selector;
        selectors[3] = this.removePartner.selector;
        selectors[4] = this.setHoldPeriod.selector;
        selectors[5] = this.setProgramPaused.selector;
        selectors[6] = this.fundBudget.selector;
        selectors[7] = this.withdrawBudget.selector;
        selectors[8] = this.recordReferral.selector;
        selectors[9] = this.recordReferrals.selector;
        selectors[10] = this.voidReferral.selector;
        selectors[11] = this.releaseEarly.selector;
        selectors[12] = this.claim.selector;
        selectors[13] = this.claimFrom.selector;
        selectors[14] = this.warp.selector;
        selectors[15] = this.refundReferral.selector;
        selectors[16] = this.setReferralCap.selector;
    }

    /// @notice The token with index `index`: 0 is plain, 1 takes a fee on transfer.
    function tokenAt(uint256 index) external view returns (MintableToken) {
        return tokens[index];
    }

    /// @notice The storefront with index `index` (0 to 2).
    function storefrontAt(uint256 index) external view returns (address) {
        return storefronts[index];
    }

    /// @notice Every referral recorded, in the order recorded.
    function allRecordedKeys() external view returns (Key[] memory) {
        return recordedKeys;
    }

    /// @notice Every order any recording named, recorded or not.
    function allTouchedKeys() external view returns (Key[] memory) {
        return touchedKeys;
    }

    /// @notice The model's view of a referral.
    function ghostReferral(address storefront, uint256 orderId) external view returns (GhostReferral memory) {
        return ghostReferrals[storefront][orderId];
    }

    /// @notice Accounts that must never receive tokens: the partner owners, the storefronts (they fund exactly
    /// what they were minted, and withdraw to their treasuries) and the stranger.
    function accountsPaidNothing() external view returns (address[] memory accounts) {
        accounts = new address[](OWNER_COUNT + STOREFRONT_COUNT + 1);
        for (uint256 i; i < OWNER_COUNT; ++i) {
            accounts[i] = owners[i];
        }
        for (uint256 i; i < STOREFRONT_COUNT; ++i) {
            accounts[OWNER_COUNT + i] = storefronts[i];
        }
        accounts[OWNER_COUNT + STOREFRONT_COUNT] = stranger;
    }

    /// @notice The `index`-th (mod 2) payout address partner `partnerId` may use; no other account uses it.
    function payoutAddress(uint40 partnerId, uint256 index) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("payout", partnerId, index % PAYOUTS_PER_PARTNER)))));
    }

    /// @notice Where `storefront` withdraws its budget to.
    function treasuryOf(address storefront) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("treasury", storefront)))));
    }

    /// @notice The `index`-th shopper (mod 4): buyers that are nobody's owner or payout address.
    function shopperAt(uint256 index) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("shopper", index % SHOPPER_COUNT)))));
    }

    /// @notice The `index`-th referral code.
    function codeAt(uint256 index) public pure returns (bytes32) {
        return keccak256(abi.encode("code", index));
    }

    // ─── Modelled calls ─────────────────────────────────────────────────────────────────────────────────

    function _registerPartner(address owner, bytes32 code, address payout) private {
        uint40 nextId = ghostPartnerCount + 1;
        Expectation memory expectation;
        if (code == bytes32(0)) _allow(expectation, IReferralEscrow.InvalidCode.selector);
        if (payout == address(0)) _allow(expectation, ICommonErrors.ZeroAddress.selector);
        if (ghostPartnerIdByCode[code] != 0) _allow(expectation, IReferralEscrow.CodeTaken.selector);

        vm.prank(owner);
        try escrow.registerPartner(code, payout) returns (uint40 partnerId) {
            if (!_asPredicted(expectation, true, "", "registerPartner")) return;
            _checkMovement(partnerId, nextId, "registerPartner: partner id");
            ghostPartnerCount = nextId;
            ghostPartnerIdByCode[code] = nextId;
            ghostOwner[nextId] = owner;
            ghostPayout[nextId] = payout;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "registerPartner");
        }
    }

    function _enrolPartner(address storefront, bytes32 code, uint16 rateBps, uint96 fixedCommission) private {
        uint40 partnerId = ghostPartnerIdByCode[code];
        Expectation memory expectation;
        if ((rateBps == 0) == (fixedCommission == 0)) _allow(expectation, IReferralEscrow.InvalidTerms.selector);
        if (rateBps > MAX_RATE_BPS) _allow(expectation, IReferralEscrow.RateAboveMaximum.selector);
        if (partnerId == 0) _allow(expectation, IReferralEscrow.UnknownCode.selector);

        vm.prank(storefront);
        try escrow.enrolPartner(code, rateBps, fixedCommission) {
            if (_asPredicted(expectation, true, "", "enrolPartner")) {
                ghostTerms[storefront][partnerId] =
                    IReferralEscrow.PartnerTerms({rateBps: rateBps, fixedCommission: fixedCommission});
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "enrolPartner");
        }
    }

    function _setHoldPeriod(address storefront, uint32 hold) private {
        Expectation memory expectation;
        if (hold > maxHoldPeriod) _allow(expectation, IReferralEscrow.HoldPeriodTooLong.selector);
        vm.prank(storefront);
        try escrow.setHoldPeriod(hold) {
            if (_asPredicted(expectation, true, "", "setHoldPeriod")) ghostHold[storefront] = hold;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "setHoldPeriod");
        }
    }

    /// @dev Mints `amount` to the storefront, which approves and funds it; the model credits what must arrive.
    function _fundBudget(address storefront, uint256 tokenIndex, uint256 amount) private {
        MintableToken token = tokens[tokenIndex];
        token.mint(storefront, amount);
        vm.prank(storefront);
        token.approve(address(escrow), amount);
        Expectation memory expectation;
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        uint256 escrowBefore = token.balanceOf(address(escrow));

        vm.prank(storefront);
        try escrow.fundBudget(address(token), amount) {
            if (!_asPredicted(expectation, true, "", "fundBudget")) return;
            uint256 arrived = _arrived(tokenIndex, amount);
            _checkMovement(token.balanceOf(address(escrow)), escrowBefore + arrived, "fundBudget: escrow");
            _checkMovement(
                escrow.budgetOf(storefront, address(token)),
                ghostBudget[storefront][address(token)] + arrived,
                "fundBudget: credited"
            );
            ghostBudget[storefront][address(token)] += arrived;
            ghostFunded[address(token)] += arrived;
            ghostHasBudget[storefront][address(token)] = true;
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "fundBudget");
        }
    }

    // ─── Recording ──────────────────────────────────────────────────────────────────────────────────────

    function _recordReferrals(BatchPlan memory plan) private {
        Expectation memory expectation = _predictRecording(plan);
        vm.prank(plan.storefront);
        try escrow.recordReferrals(address(tokens[plan.tokenIndex]), plan.sales) {
            if (_asPredicted(expectation, true, "", "recordReferrals")) _applyRecording(plan);
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "recordReferrals");
        }
    }

    function _newPlan(address storefront, uint256 tokenSeed, uint256 length)
        private
        pure
        returns (BatchPlan memory plan)
    {
        plan.storefront = storefront;
        plan.tokenIndex = uint8(tokenSeed % TOKEN_COUNT);
        plan.sales = new IReferralEscrow.ReferredSale[](length);
        plan.partnerIds = new uint40[](length);
        plan.commissions = new uint256[](length);
        plan.allPriced = true;
    }

    /// @dev Prices every sale of the plan and lists every error that may reject recording it.
    function _predictRecording(BatchPlan memory plan) private returns (Expectation memory expectation) {
        address storefront = plan.storefront;
        address token = address(tokens[plan.tokenIndex]);
        uint256 length = plan.sales.length;
        if (length == 0) _allow(expectation, ICommonErrors.EmptyBatch.selector);
        if (ghostProgramPaused[storefront]) _allow(expectation, IReferralEscrow.ProgramPaused.selector);
        if (!ghostHasBudget[storefront][token]) _allow(expectation, IReferralEscrow.InvalidToken.selector);
        // Referrals per partner id in this batch so far (ids are 1 to 6).
        uint256[8] memory inBatch;
        for (uint256 i; i < length; ++i) {
            IReferralEscrow.ReferredSale memory sale = plan.sales[i];
            _touch(storefront, sale.orderId);
            uint40 partnerId = ghostPartnerIdByCode[sale.code];
            IReferralEscrow.PartnerTerms memory terms = ghostTerms[storefront][partnerId];
            if (sale.buyer == address(0)) {
                _allowOnce(expectation, ICommonErrors.ZeroAddress.selector);
                plan.allPriced = false;
            }
            if (partnerId == 0) {
                _allowOnce(expectation, IReferralEscrow.UnknownCode.selector);
                plan.allPriced = false;
            } else if (sale.buyer == ghostOwner[partnerId] || sale.buyer == ghostPayout[partnerId]) {
                _allowOnce(expectation, IReferralEscrow.SelfReferral.selector);
                plan.allPriced = false;
            } else if (terms.rateBps == 0 && terms.fixedCommission == 0) {
                _allowOnce(expectation, IReferralEscrow.PartnerNotEnrolled.selector);
                plan.allPriced = false;
            } else {
                plan.partnerIds[i] = partnerId;
                plan.commissions[i] =
                    terms.rateBps != 0 ? sale.saleAmount * terms.rateBps / BPS : terms.fixedCommission;
                plan.total += plan.commissions[i];
                if (_countedOverCap(storefront, partnerId, ++inBatch[partnerId])) {
                    _allowOnce(expectation, IReferralEscrow.ReferralCapExceeded.selector);
                }
            }
            bool duplicate = ghostReferrals[storefront][sale.orderId].status != IReferralEscrow.ReferralStatus.None;
            for (uint256 j; j < i; ++j) {
                if (plan.sales[j].orderId == sale.orderId) duplicate = true;
            }
            if (duplicate) _allowOnce(expectation, IReferralEscrow.OrderAlreadyRecorded.selector);
        }
        if (plan.allPriced && plan.total > ghostBudget[storefront][token]) {
            _allow(expectation, IReferralEscrow.InsufficientBudget.selector);
        }
    }

    function _applyRecording(BatchPlan memory plan) private {
        address storefront = plan.storefront;
        address token = address(tokens[plan.tokenIndex]);
        uint256 releaseTime = currentTime + ghostHold[storefront];
        for (uint256 i; i < plan.sales.length; ++i) {
            uint256 orderId = plan.sales[i].orderId;
            ghostReferrals[storefront][orderId] = GhostReferral({
                partnerId: plan.partnerIds[i],
                tokenIndex: plan.tokenIndex,
                status: IReferralEscrow.ReferralStatus.Pending,
                releaseTime: releaseTime,
                commission: plan.commissions[i],
                refundedBps: 0
            });
            _countRecording(storefront, plan.partnerIds[i]);
            ++ghostRecordCount[storefront][orderId];
            recordedKeys.push(Key(storefront, orderId));
        }
        ghostBudget[storefront][token] -= plan.total;
        ghostCommitted[token] += plan.total;
    }

    /// @dev Whether the partner's `nth` referral of this call would go past the storefront's cap.
    function _countedOverCap(address storefront, uint40 partnerId, uint256 nth) private view returns (bool) {
        GhostCap memory cap = ghostCap[storefront];
        if (cap.max == 0) return false;
        GhostCount memory counted = ghostCounts[storefront][partnerId];
        uint256 periodStart = currentTime - currentTime % cap.period;
        uint256 before = counted.periodStart == periodStart ? counted.count : 0;
        return before + nth > cap.max;
    }

    /// @dev Counts a recorded referral against the storefront's cap, in the model and independently of it.
    function _countRecording(address storefront, uint40 partnerId) private {
        GhostCap memory cap = ghostCap[storefront];
        if (cap.max == 0) return;
        uint256 periodStart = currentTime - currentTime % cap.period;
        GhostCount storage counted = ghostCounts[storefront][partnerId];
        if (counted.periodStart != periodStart) (counted.periodStart, counted.count) = (periodStart, 0);
        ++counted.count;
        uint256 recorded = ++recordedUnderCap[storefront][capEpoch[storefront]][partnerId][periodStart];
        if (recorded > cap.max) ++ghostCapOverruns;
        ++ghostCappedRecordings;
    }

    /// @dev Lets the call revert with `reason`, listing each reason once (a batch may name one many times).
    function _allowOnce(Expectation memory expectation, bytes4 reason) private pure {
        for (uint256 i; i < expectation.count; ++i) {
            if (expectation.reasons[i] == reason) return;
        }
        _allow(expectation, reason);
    }

    // ─── Voids, refunds, early releases and claims ──────────────────────────────────────────────────────

    /// @dev The model of a refund that brought the referral to `cumulativeBps` of its sale: the commission
    /// voided (the difference of the floors) goes back to the budget. Returns it.
    function _applyRefund(address storefront, GhostReferral storage referral, uint256 cumulativeBps, bool byRefund)
        private
        returns (uint256 voided)
    {
        uint256 before = _remaining(referral.commission, referral.refundedBps);
        uint256 remaining = _remaining(referral.commission, cumulativeBps);
        voided = before - remaining;
        address token = address(tokens[referral.tokenIndex]);
        referral.refundedBps = uint16(cumulativeBps);
        if (cumulativeBps == BPS) referral.status = IReferralEscrow.ReferralStatus.Voided;
        ghostBudget[storefront][token] += voided;
        ghostVoided[token] += voided;
        if (byRefund) ghostVoidedByRefunds[token] += voided;
    }

    /// @notice What a commission of `commission` leaves the partner after `refundedBps` of the sale was refunded.
    function _remaining(uint256 commission, uint256 refundedBps) private pure returns (uint256) {
        return commission - commission * refundedBps / BPS;
    }

    /// @dev Makes the planned claim (through `claimFrom` when `viaClaimFrom`: its keys are then all of one
    /// storefront) and checks what it paid against the model.
    function _claim(ClaimPlan memory plan, uint256 callerSeed, bool viaClaimFrom) private {
        string memory action = viaClaimFrom ? "claimFrom" : "claim";
        Expectation memory expectation = _predictClaim(plan);
        address payout = ghostPayout[plan.partnerId];
        uint256[2] memory escrowBefore;
        uint256[2] memory payoutBefore;
        for (uint256 t; t < TOKEN_COUNT; ++t) {
            escrowBefore[t] = tokens[t].balanceOf(address(escrow));
            payoutBefore[t] = payout == address(0) ? 0 : tokens[t].balanceOf(payout);
        }

        (bool succeeded, bytes memory reason) =
            _callClaim(plan, _claimant(plan.partnerId, callerSeed, expectation), viaClaimFrom);
        if (!_asPredicted(expectation, succeeded, reason, action) || !succeeded) return;
        for (uint256 t; t < TOKEN_COUNT; ++t) {
            address token = address(tokens[t]);
            _checkMovement(tokens[t].balanceOf(address(escrow)) + plan.sent[t], escrowBefore[t], "claim: escrow");
            _checkMovement(tokens[t].balanceOf(payout), payoutBefore[t] + plan.arrived[t], "claim: payout");
            ghostClaimed[token] += plan.sent[t];
            ghostPaidToPartner[plan.partnerId][token] += plan.sent[t];
            ghostReceived[payout][token] += plan.arrived[t];
        }
        for (uint256 i; i < plan.keys.length; ++i) {
            if (!plan.paid[i]) continue;
            IReferralEscrow.ReferralKey memory key = plan.keys[i];
            ghostReferrals[key.storefront][key.orderId].status = IReferralEscrow.ReferralStatus.Claimed;
            ++ghostClaimCount[key.storefront][key.orderId];
        }
    }

    /// @dev Who claims: mostly the partner's owner, the only account that may; sometimes anyone, and then the
    /// claim must revert with `NotPartnerOwner` (`expectation` is rewritten to say so).
    function _claimant(uint40 partnerId, uint256 callerSeed, Expectation memory expectation)
        private
        view
        returns (address caller)
    {
        address owner = ghostOwner[partnerId];
        caller = owner == address(0) || callerSeed % 4 == 0 ? _anyActor(callerSeed >> 2) : owner;
        if (caller != owner) {
            expectation.count = 0;
            _allow(expectation, IReferralEscrow.NotPartnerOwner.selector);
        }
    }

    function _callClaim(ClaimPlan memory plan, address caller, bool viaClaimFrom)
        private
        returns (bool succeeded, bytes memory reason)
    {
        uint256[] memory orderIds = new uint256[](plan.keys.length);
        for (uint256 i; i < orderIds.length; ++i) {
            orderIds[i] = plan.keys[i].orderId;
        }
        vm.prank(caller);
        if (viaClaimFrom) {
            try escrow.claimFrom(plan.partnerId, plan.keys[0].storefront, orderIds) {
                succeeded = true;
            } catch (bytes memory revertData) {
                reason = revertData;
            }
        } else {
            try escrow.claim(plan.partnerId, plan.keys) {
                succeeded = true;
            } catch (bytes memory revertData) {
                reason = revertData;
            }
        }
    }

    function _predictUnreleased(GhostReferral storage referral) private view returns (Expectation memory expectation) {
        IReferralEscrow.ReferralStatus status = referral.status;
        if (status == IReferralEscrow.ReferralStatus.None) {
            _allow(expectation, IReferralEscrow.UnknownReferral.selector);
        } else if (status != IReferralEscrow.ReferralStatus.Pending) {
            _allow(expectation, IReferralEscrow.ReferralNotPending.selector);
        } else if (currentTime >= referral.releaseTime) {
            _allow(expectation, IReferralEscrow.ReferralAlreadyReleased.selector);
        }
    }

    /// @dev Mostly a recorded referral in the state `wanted`; sometimes any recorded one, sometimes an order of a
    /// random storefront (usually never recorded).
    function _pickReferral(uint256 storefrontSeed, uint256 pickSeed, uint8 wanted)
        private
        view
        returns (address storefront, uint256 orderId)
    {
        uint256 mode = pickSeed % 8;
        uint256 recorded = recordedKeys.length;
        if (mode != 0 && recorded != 0) {
            (bool found, uint256 index) = _findKey(pickSeed >> 3, wanted);
            if (mode == 1 || !found) index = (pickSeed >> 3) % recorded;
            return (recordedKeys[index].storefront, recordedKeys[index].orderId);
        }
        return (_storefront(storefrontSeed), _orderId(pickSeed >> 3));
    }

    /// @dev The first recorded referral from `start` on (wrapping) that is pending and unreleased, or claimable.
    function _findKey(uint256 start, uint8 wanted) private view returns (bool found, uint256 index) {
        uint256 recorded = recordedKeys.length;
        for (uint256 i; i < recorded; ++i) {
            index = (start + i) % recorded;
            if (_isInState(recordedKeys[index], wanted)) return (true, index);
        }
    }

    function _isInState(Key storage key, uint8 wanted) private view returns (bool) {
        GhostReferral storage referral = ghostReferrals[key.storefront][key.orderId];
        if (referral.status != IReferralEscrow.ReferralStatus.Pending) return false;
        return (currentTime >= referral.releaseTime) == (wanted == CLAIMABLE);
    }

    /// @dev Mostly up to `length` claimable referrals of one partner (when `oneStorefront`, of one storefront
    /// too), one time in eight with the first repeated; otherwise random referrals (any partner, any state) for a
    /// random partner, perhaps an unknown one (when `oneStorefront`, all named at the first one's storefront).
    function _planClaim(uint256 partnerSeed, uint256 seed, uint256 length, bool oneStorefront)
        private
        view
        returns (ClaimPlan memory plan)
    {
        uint256 mode = seed % 8;
        (bool found, uint256 start) = mode == 0 ? (false, 0) : _findKey(seed >> 3, CLAIMABLE);
        if (!found) {
            plan.partnerId = uint40(1 + partnerSeed % (uint256(ghostPartnerCount) + 1));
            plan.keys = new IReferralEscrow.ReferralKey[](length);
            for (uint256 i; i < length; ++i) {
                uint256 word = seed.derive(i);
                if (recordedKeys.length != 0 && word % 4 != 0) {
                    Key storage key = recordedKeys[(word >> 2) % recordedKeys.length];
                    plan.keys[i] = IReferralEscrow.ReferralKey(key.storefront, key.orderId);
                } else {
                    plan.keys[i] = IReferralEscrow.ReferralKey(_storefront(word >> 2), _orderId(word >> 4));
                }
                if (oneStorefront) plan.keys[i].storefront = plan.keys[0].storefront;
            }
            return plan;
        }
        Key storage first = recordedKeys[start];
        plan.partnerId = ghostReferrals[first.storefront][first.orderId].partnerId;
        uint256 count;
        uint256 recorded = recordedKeys.length;
        uint256[] memory indexes = new uint256[](length);
        for (uint256 i; i < recorded && count < length; ++i) {
            uint256 index = (start + i) % recorded;
            Key storage key = recordedKeys[index];
            if (
                _isInState(key, CLAIMABLE) && ghostReferrals[key.storefront][key.orderId].partnerId == plan.partnerId
                    && (!oneStorefront || key.storefront == first.storefront)
            ) {
                indexes[count++] = index;
            }
        }
        bool repeatFirst = mode == 1;
        plan.keys = new IReferralEscrow.ReferralKey[](count + (repeatFirst ? 1 : 0));
        for (uint256 i; i < count; ++i) {
            Key storage key = recordedKeys[indexes[i]];
            plan.keys[i] = IReferralEscrow.ReferralKey(key.storefront, key.orderId);
        }
        if (repeatFirst) plan.keys[count] = plan.keys[0];
    }

    /// @dev Lists the error that rejects the claim, if any, and for a claim that succeeds, which keys it pays and
    /// what: a key naming no referral (`UnknownReferral`) or another partner's (`ReferralOfAnotherPartner`)
    /// rejects it; one of the partner's already claimed (earlier, or by this call), voided or unreleased is
    /// skipped and ends the current run. Each run of paid keys in one token is one transfer, losing the token's
    /// fee on its way to the payout address.
    function _predictClaim(ClaimPlan memory plan) private view returns (Expectation memory expectation) {
        plan.paid = new bool[](plan.keys.length);
        bool runOpen;
        uint256 runToken;
        uint256 runTotal;
        for (uint256 i; i < plan.keys.length; ++i) {
            IReferralEscrow.ReferralKey memory key = plan.keys[i];
            GhostReferral storage referral = ghostReferrals[key.storefront][key.orderId];
            bool claimedEarlierInThisCall;
            for (uint256 j; j < i; ++j) {
                if (plan.paid[j] && plan.keys[j].storefront == key.storefront && plan.keys[j].orderId == key.orderId) {
                    claimedEarlierInThisCall = true;
                }
            }
            if (referral.status == IReferralEscrow.ReferralStatus.None) {
                _allowOnce(expectation, IReferralEscrow.UnknownReferral.selector);
                continue;
            }
            if (referral.partnerId != plan.partnerId) {
                _allowOnce(expectation, IReferralEscrow.ReferralOfAnotherPartner.selector);
                continue;
            }
            bool skipped = referral.status != IReferralEscrow.ReferralStatus.Pending || claimedEarlierInThisCall
                || currentTime < referral.releaseTime;
            if (runOpen && (skipped || referral.tokenIndex != runToken)) {
                _payRun(plan, runToken, runTotal);
                (runOpen, runTotal) = (false, 0);
            }
            if (skipped) continue;
            plan.paid[i] = true;
            (runOpen, runToken) = (true, referral.tokenIndex);
            runTotal += _remaining(referral.commission, referral.refundedBps);
        }
        if (runOpen) _payRun(plan, runToken, runTotal);
    }

    function _payRun(ClaimPlan memory plan, uint256 tokenIndex, uint256 amount) private pure {
        plan.sent[tokenIndex] += amount;
        plan.arrived[tokenIndex] += _arrived(tokenIndex, amount);
    }

    // ─── Outcomes ───────────────────────────────────────────────────────────────────────────────────────

    // ─── Inputs ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Terms: a valid rate (three in eight), a valid fixed commission (two in eight), both, neither, or a
    /// rate above the maximum.
    function _terms(uint256 seed) private pure returns (uint16 rateBps, uint96 fixedCommission) {
        uint256 kind = seed % 8;
        uint256 word = seed >> 3;
        if (kind == 0) return (uint16(word.bound(1, MAX_RATE_BPS)), uint96(word.derive(0).bound(1, MAX_FIXED)));
        if (kind == 1) return (0, 0);
        if (kind == 2) return (uint16(word.bound(uint256(MAX_RATE_BPS) + 1, type(uint16).max)), 0);
        if (kind <= 5) return (uint16(word.bound(1, MAX_RATE_BPS)), 0);
        return (0, uint96(word.bound(1, MAX_FIXED)));
    }

    /// @dev One code in sixteen is zero; of the rest, three in four belong to the partners registered at the
    /// start, the others to codes that may not be registered yet.
    function _code(uint256 seed) private pure returns (bytes32) {
        if (seed % 16 == 0) return bytes32(0);
        uint256 word = seed >> 4;
        if (word % 4 == 0) return codeAt(OWNER_COUNT + (word >> 2) % (CODE_COUNT - OWNER_COUNT));
        return codeAt((word >> 2) % OWNER_COUNT);
    }

    /// @dev Order ids 0-47 fifteen times in sixteen, otherwise one of the 8 largest.
    function _orderId(uint256 seed) private pure returns (uint256) {
        if (seed % 16 == 0) return type(uint256).max - (seed >> 4) % HIGH_ORDER_IDS;
        return (seed >> 4) % LOW_ORDER_IDS;
    }

    function _arrived(uint256 tokenIndex, uint256 amount) private pure returns (uint256) {
        return tokenIndex == 1 ? amount - amount * FEE_BPS / BPS : amount;
    }

    /// @dev Mostly a shopper; one time in sixteen the zero address, one in sixteen the owner of the code's
    /// partner, one in sixteen its current payout address (self-referrals, refused).
    function _buyer(bytes32 code, uint256 seed) private view returns (address) {
        uint256 kind = seed % 16;
        uint40 partnerId = ghostPartnerIdByCode[code];
        if (kind == 0) return address(0);
        if (kind == 1 && partnerId != 0) return ghostOwner[partnerId];
        if (kind == 2 && partnerId != 0) return ghostPayout[partnerId];
        return shopperAt(seed >> 4);
    }

    function _storefront(uint256 seed) private view returns (address) {
        return storefronts[seed % STOREFRONT_COUNT];
    }

    /// @dev Partner owners, storefronts or the stranger.
    function _anyActor(uint256 seed) private view returns (address) {
        uint256 index = seed % (OWNER_COUNT + STOREFRONT_COUNT + 1);
        if (index < OWNER_COUNT) return owners[index];
        if (index < OWNER_COUNT + STOREFRONT_COUNT) return storefronts[index - OWNER_COUNT];
        return stranger;
    }

    function _touch(address storefront, uint256 orderId) private {
        if (isTouched[storefront][orderId]) return;
        isTouched[storefront][orderId] = true;
        touchedKeys.push(Key(storefront, orderId));
    }

    function _named(string memory name, uint256 index) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(name, index)))));
    }
}
